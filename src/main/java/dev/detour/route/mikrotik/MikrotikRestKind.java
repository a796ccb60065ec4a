package dev.detour.route.mikrotik;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import jakarta.inject.Singleton;
import java.util.Set;

/** {@code mikrotik-rest}: RouterOS 7 over its REST API ({@link MikrotikRestBackend}). */
@Singleton
public final class MikrotikRestKind extends RouterOsKind {

  public MikrotikRestKind() {
    super(Set.of("url"));
  }

  @Override
  public String type() {
    return "mikrotik-rest";
  }

  @Override
  public void check(String key, RoutersConfig.Router router) {
    if (!router.url().orElse("").matches("https?://[^/\\s]+/?")) {
      throw new IllegalArgumentException(
          key + "url: the router's REST base, e.g. https://192.168.88.1");
    }
  }

  @Override
  public RouterBackend open(RouterSettings settings) {
    return new MikrotikRestBackend(settings);
  }
}
