package dev.detour.route;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How blocked watches become routes, and the guard rails around that ({@code detour.routes.*}). */
@ConfigMapping(prefix = "detour.routes")
public interface RoutesConfig {
  /** Whether routes are pushed at all (off: plans are still made and shown). */
  @WithDefault("true")
  boolean enabled();

  /** Plan and show every change, make none (also switchable at run time through the API). */
  @WithName("dry-run")
  @WithDefault("false")
  boolean dryRun();

  /** How often routers are reconciled even when nothing changed (a user may edit by hand). */
  @WithName("sync-every")
  @WithDefault("60s")
  Duration syncEvery();

  /** How long a route stays after its watch cleared, unless its group says otherwise. */
  @WithName("withdraw-grace")
  @WithDefault("10m")
  Duration withdrawGrace();

  /** Shortest IPv4 route ever pushed: aggregation stops there. */
  @WithName("min-prefix-ipv4")
  @WithDefault("8")
  @Min(1)
  @Max(32)
  int minPrefixIpv4();

  /** Shortest IPv6 route ever pushed. */
  @WithName("min-prefix-ipv6")
  @WithDefault("19")
  @Min(1)
  @Max(128)
  int minPrefixIpv6();

  /** The tunnel's far end(s) as this host sees them: never routed into the tunnel itself. */
  @WithName("tunnel-endpoints")
  Optional<List<String>> tunnelEndpoints();

  /** The router's WAN address(es): never routed. */
  @WithName("wan-addresses")
  Optional<List<String>> wanAddresses();

  /** More prefixes never routed, besides those added through the API. */
  Optional<List<String>> exclusions();

  /** Prefixes always routed (unless a guard rail forbids it), besides those of the API. */
  Optional<List<String>> pins();

  /**
   * Reserved ranges that may be routed after all (they are fenced as bogons otherwise), IPv4 or
   * IPv6, e.g. a lab's 198.18.0.0/15 and 2001:db8::/32.
   */
  @WithName("allow-reserved")
  Optional<List<String>> allowReserved();

  /**
   * Whether a block must have been confirmed through the tunnel (by a control vantage) before it is
   * routed, and the target checked again through it after.
   */
  @WithDefault("true")
  boolean verify();
}
