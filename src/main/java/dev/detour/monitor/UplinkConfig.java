package dev.detour.monitor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The check that this host's own uplink works before anyone is blamed ({@code detour.uplink.*}).
 */
@ConfigMapping(prefix = "detour.uplink")
public interface UplinkConfig {
  /**
   * Addresses that answer ping when the uplink works (e.g. the ISP's gateway and a resolver);
   * empty: the default gateway.
   */
  Optional<List<String>> anchors();

  /** How long an uplink check result is reused. */
  @WithName("check-every")
  @WithDefault("5s")
  Duration checkEvery();
}
