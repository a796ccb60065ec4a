package dev.detour.route.linux;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterKind;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import jakarta.inject.Singleton;
import java.util.Optional;
import java.util.Set;

/**
 * {@code linux}: this host as the router ({@link LinuxBackend}). Its routes go to a table of
 * Detour's own, as fast as {@code ip} runs, and as plain routes only; no login, and the tunnel is
 * here to check routes through.
 */
@Singleton
public final class LinuxKind implements RouterKind {

  @Override
  public String type() {
    return "linux";
  }

  @Override
  public Set<String> keys() {
    return Set.of("mode", "linux-rule", "linux-protocol");
  }

  @Override
  public String defaultRoutingTable() {
    return "1001";
  }

  @Override
  public boolean needsLogin() {
    return false;
  }

  @Override
  public boolean paced() {
    return false;
  }

  @Override
  public void check(String key, RoutersConfig.Router router) {
    if (router.mode() != RoutersConfig.RouterMode.ROUTES) {
      throw new IllegalArgumentException(key + "mode: a Linux router takes plain routes");
    }
  }

  /** The gateway's device: {@code gre1}, or {@code vx0} of {@code 192.0.2.1%vx0}. */
  @Override
  public Optional<String> tunnelDevice(RouterSettings settings) {
    return Optional.ofNullable(LinuxGateway.parse(settings.name(), settings.gateway()).device());
  }

  @Override
  public RouterBackend open(RouterSettings settings) {
    return new LinuxBackend(settings);
  }
}
