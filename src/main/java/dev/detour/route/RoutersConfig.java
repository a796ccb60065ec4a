package dev.detour.route;

import dev.detour.route.plan.PlanInput;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The routers blocked prefixes are pushed to, by a name of the user's choice ({@code
 * detour.routers.<name>.*}).
 */
@ConfigMapping(prefix = "detour.routers")
public interface RoutersConfig {

  @WithParentName
  Map<String, Router> routers();

  /**
   * One router: how to reach it and where its routes go. Every kind's keys are here; which a router
   * takes is its kind's ({@link RouterKind#keys()}), and {@link RouterKinds} stops Detour at start
   * when one is set that the kind does not take.
   */
  interface Router {
    /**
     * The router's kind: {@code mikrotik-rest} (RouterOS 7), {@code mikrotik-api} (RouterOS 6) or
     * {@code linux}, as the {@link RouterKind}s name them; checked at start.
     */
    String type();

    /** REST base URL, e.g. https://192.168.88.1 (mikrotik-rest). */
    Optional<String> url();

    /** API host (mikrotik-api). */
    Optional<String> host();

    /** API port: 8728, or 8729 with TLS (mikrotik-api). */
    Optional<Integer> port();

    /** TLS on the API protocol (port 8729); REST follows its URL's scheme. */
    @WithDefault("false")
    boolean tls();

    /** PEM file of the CA (or self-signed certificate) the router's certificate must chain to. */
    @WithName("ca-file")
    Optional<Path> caFile();

    /** SHA-256 of the router's certificate (hex, colons allowed): only that one is accepted. */
    @WithName("certificate-sha256")
    Optional<String> certificateSha256();

    Optional<String> username();

    /** The password; better kept in {@code password-file}. Never logged or shown. */
    Optional<String> password();

    /** A file holding the password (first line), e.g. a mounted secret. */
    @WithName("password-file")
    Optional<Path> passwordFile();

    /** The tunnel interface routes go through, e.g. gre-tunnel1 or the Linux device. */
    String gateway();

    /** The routes' distance (RouterOS) or metric (Linux). */
    @WithDefault("1")
    @Min(0)
    @Max(255)
    int distance();

    /**
     * The routing table: RouterOS's {@code main} by default; on Linux a table of Detour's own
     * ({@code 1001}), looked up by forwarded traffic only, so Detour's own probes still take the
     * direct path.
     */
    @WithName("routing-table")
    Optional<String> routingTable();

    /** Comment every entry Detour makes starts with; entries without it are never touched. */
    @WithName("comment-prefix")
    @WithDefault("detour")
    String commentPrefix();

    /** The most routes Detour keeps on this router: aggregation fits the plan into it. */
    @WithName("max-routes")
    @WithDefault("5000")
    @Min(1)
    @Max(PlanInput.MAX_ROUTES)
    int maxRoutes();

    /** {@code routes} (plain routes) or {@code address-list} (entries a mangle rule marks). */
    @WithDefault("routes")
    RouterMode mode();

    /** The address list of {@code address-list} mode. */
    @WithName("address-list")
    @WithDefault("detour")
    String addressList();

    /** How long one request may take. */
    @WithDefault("10s")
    Duration timeout();

    /** Changes sent per second at most: a small router survives a big sync. */
    @WithName("changes-per-second")
    @WithDefault("50")
    @Min(1)
    int changesPerSecond();

    /**
     * Linux: the ip rule Detour keeps for its table ({@code not iif lo}: forwarded traffic only);
     * {@code none} to manage no rule.
     */
    @WithName("linux-rule")
    @WithDefault("not iif lo")
    String linuxRule();

    /** Linux: the routes' protocol number, which marks them as Detour's. */
    @WithName("linux-protocol")
    @WithDefault("211")
    @Min(1)
    @Max(255)
    int linuxProtocol();
  }

  /** What Detour writes on a router. */
  enum RouterMode {
    ROUTES,
    ADDRESS_LIST
  }
}
