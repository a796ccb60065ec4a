package dev.detour.route;

import dev.detour.system.Secrets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One router's settings, checked and with the password read: what a backend is built from.
 *
 * @param kind what kind of router it is ({@code detour.routers.<name>.type})
 * @param routingTable the table: as set, or the kind's own ({@code main}; Linux: {@code 1001})
 * @param password never logged; {@link #toString()} leaves it out
 */
public record RouterSettings(
    String name,
    RouterKind kind,
    String url,
    String host,
    int port,
    boolean tls,
    Path caFile,
    String certificateSha256,
    String username,
    String password,
    String gateway,
    int distance,
    String routingTable,
    String commentPrefix,
    int maxRoutes,
    RoutersConfig.RouterMode mode,
    String addressList,
    Duration timeout,
    int changesPerSecond,
    String linuxRule,
    int linuxProtocol) {

  /** Whether a comment marks an entry as Detour's: the prefix alone, or followed by a space. */
  public boolean owns(String comment) {
    return comment != null
        && (comment.equals(commentPrefix) || comment.startsWith(commentPrefix + " "));
  }

  /** The type as users write it, e.g. {@code mikrotik-rest}. */
  public String type() {
    return kind.type();
  }

  /**
   * @throws IllegalArgumentException saying which key to fix
   */
  public static RouterSettings of(String name, RoutersConfig.Router r, RouterKind kind) {
    String key = "detour.routers." + name + ".";
    if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
      throw new IllegalArgumentException(
          "detour.routers." + name + ": a router's name is lower case letters, digits and -");
    }
    if (r.gateway().isBlank()) {
      throw new IllegalArgumentException(key + "gateway: the tunnel interface, e.g. gre-tunnel1");
    }
    if (r.commentPrefix().isBlank() || r.commentPrefix().contains(" ")) {
      throw new IllegalArgumentException(key + "comment-prefix: one word, e.g. detour");
    }
    String password =
        Secrets.configured(key + "password", r.password(), r.passwordFile()).orElse(null);
    String url = r.url().orElse(null);
    String host = r.host().orElse(null);
    int port = r.port().orElse(r.tls() ? 8729 : 8728);
    kind.check(key, r);
    if (kind.needsLogin() && (r.username().isEmpty() || password == null)) {
      throw new IllegalArgumentException(
          key
              + "username and password (or password-file): a "
              + kind.type()
              + " router needs a login");
    }
    return new RouterSettings(
        name,
        kind,
        url == null ? null : url.replaceAll("/$", ""),
        host,
        port,
        r.tls() || (url != null && url.startsWith("https:")),
        r.caFile().orElse(null),
        r.certificateSha256().map(s -> s.replace(":", "").toLowerCase()).orElse(null),
        r.username().orElse(null),
        password,
        r.gateway(),
        r.distance(),
        r.routingTable().orElse(kind.defaultRoutingTable()),
        r.commentPrefix(),
        r.maxRoutes(),
        r.mode(),
        r.addressList(),
        r.timeout(),
        r.changesPerSecond(),
        r.linuxRule(),
        r.linuxProtocol());
  }

  @Override
  public String toString() {
    return "RouterSettings[" + name + ", " + kind.type() + ", " + (url != null ? url : host) + "]";
  }
}
