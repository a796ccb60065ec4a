package dev.detour.route.mikrotik;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import jakarta.inject.Singleton;
import java.util.Set;

/**
 * {@code mikrotik-api}: RouterOS over its API protocol ({@link MikrotikApiBackend}), the way to
 * RouterOS 6, which has no REST; RouterOS 7 speaks it too.
 */
@Singleton
public final class MikrotikApiKind extends RouterOsKind {

  public MikrotikApiKind() {
    super(Set.of("host", "port", "tls"));
  }

  @Override
  public String type() {
    return "mikrotik-api";
  }

  @Override
  public void check(String key, RoutersConfig.Router router) {
    if (router.host().orElse("").isBlank()) {
      throw new IllegalArgumentException(key + "host: the router's address, e.g. 192.168.88.1");
    }
  }

  @Override
  public RouterBackend open(RouterSettings settings) {
    return new MikrotikApiBackend(settings);
  }
}
