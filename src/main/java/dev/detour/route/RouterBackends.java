package dev.detour.route;

import dev.detour.route.linux.LinuxBackend;
import dev.detour.route.mikrotik.MikrotikApiBackend;
import dev.detour.route.mikrotik.MikrotikRestBackend;

/** Opens the backend a router's {@code type} names: the one place that knows them all. */
public final class RouterBackends {

  private RouterBackends() {}

  /** Connects lazily: opening never touches the network. */
  public static RouterBackend open(RouterSettings settings) {
    return switch (settings.type()) {
      case MIKROTIK_REST -> new MikrotikRestBackend(settings);
      case MIKROTIK_API -> new MikrotikApiBackend(settings);
      case LINUX -> new LinuxBackend(settings);
    };
  }

  /** Checks settings that only the backend understands (e.g. the Linux gateway's form). */
  static void check(RouterSettings settings) {
    open(settings).close();
  }
}
