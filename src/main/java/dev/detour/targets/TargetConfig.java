package dev.detour.targets;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.util.List;

/** What a watch may cover and the ports of one that names none ({@code detour.watch.*}). */
@ConfigMapping(prefix = "detour.watch")
public interface TargetConfig {
  /** Ports probed on a new watch that names none. */
  @WithDefault("80,443")
  @NotEmpty
  List<@Min(1) @Max(65535) Integer> ports();

  /**
   * Shortest IPv4 prefix a watch may cover: a /0 or /4 watch is a typo or an attack on the router,
   * never a censored site.
   */
  @WithName("min-prefix-ipv4")
  @WithDefault("8")
  @Min(0)
  @Max(32)
  int minPrefixIpv4();

  /** Shortest IPv6 prefix a watch may cover. */
  @WithName("min-prefix-ipv6")
  @WithDefault("16")
  @Min(0)
  @Max(128)
  int minPrefixIpv6();
}
