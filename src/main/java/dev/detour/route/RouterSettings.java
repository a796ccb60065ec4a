package dev.detour.route;

import dev.detour.system.Secrets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * One router's settings, checked and with the password read: what a backend is built from.
 *
 * @param routingTable the table ({@code main} unless set; Linux: {@code 1001} unless set)
 * @param password never logged; {@link #toString()} leaves it out
 */
public record RouterSettings(
    String name,
    RoutersConfig.RouterType type,
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

  /**
   * @throws IllegalArgumentException saying which key to fix
   */
  public static RouterSettings of(String name, RoutersConfig.Router r) {
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
    switch (r.type()) {
      case MIKROTIK_REST -> {
        if (url == null || !url.matches("https?://[^/\\s]+/?")) {
          throw new IllegalArgumentException(
              key + "url: the router's REST base, e.g. https://192.168.88.1");
        }
        requireLogin(key, r, password);
      }
      case MIKROTIK_API -> {
        if (host == null || host.isBlank()) {
          throw new IllegalArgumentException(key + "host: the router's address, e.g. 192.168.88.1");
        }
        requireLogin(key, r, password);
      }
      case LINUX -> {
        if (r.mode() != RoutersConfig.RouterMode.ROUTES) {
          throw new IllegalArgumentException(key + "mode: a Linux router takes plain routes");
        }
      }
    }
    String table =
        r.routingTable().orElse(r.type() == RoutersConfig.RouterType.LINUX ? "1001" : "main");
    return new RouterSettings(
        name,
        r.type(),
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
        table,
        r.commentPrefix(),
        r.maxRoutes(),
        r.mode(),
        r.addressList(),
        r.timeout(),
        r.changesPerSecond(),
        r.linuxRule(),
        r.linuxProtocol());
  }

  private static void requireLogin(String key, RoutersConfig.Router r, String password) {
    if (r.username().isEmpty() || password == null) {
      throw new IllegalArgumentException(
          key + "username and password (or password-file): RouterOS needs a login");
    }
  }

  @Override
  public String toString() {
    return "RouterSettings[" + name + ", " + type + ", " + (url != null ? url : host) + "]";
  }
}
