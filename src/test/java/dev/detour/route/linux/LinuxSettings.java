package dev.detour.route.linux;

import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import java.time.Duration;

/** {@link RouterSettings} of this host as the router, {@code home}, as tests and benches use it. */
public final class LinuxSettings {

  private LinuxSettings() {}

  /** Detour's defaults: table 1001, metric 5, protocol 211, the rule {@code not iif lo}. */
  public static RouterSettings of(String gateway) {
    return of(gateway, 211, "not iif lo");
  }

  public static RouterSettings of(String gateway, int protocol, String rule) {
    return new RouterSettings(
        "home",
        new LinuxKind(),
        null,
        null,
        0,
        false,
        null,
        null,
        null,
        null,
        gateway,
        5,
        "1001",
        "detour",
        5000,
        RoutersConfig.RouterMode.ROUTES,
        "detour",
        Duration.ofSeconds(5),
        50,
        rule,
        protocol);
  }
}
