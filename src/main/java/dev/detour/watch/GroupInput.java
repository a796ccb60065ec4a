package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import java.util.Set;

/**
 * A group as a client writes it. Omitted interval and probes follow the service defaults ({@code
 * detour.probe.interval}, {@code detour.probe.kinds}); {@code routeBlocked} defaults to true;
 * {@code routeWithdraw} is how long routes stay after a watch clears ({@code "10m"}, {@code "0s"})
 * or {@code "keep"}, and follows {@code detour.routes.withdraw-grace} when omitted; {@code
 * families} ({@code both}, {@code v4}, {@code v6}) follows {@code detour.monitor.families}.
 */
public record GroupInput(
    String name,
    String description,
    Integer intervalSeconds,
    Set<ProbeKind> probes,
    Boolean routeBlocked,
    String routeWithdraw,
    Boolean routeQuicBlocks,
    String families) {

  public GroupInput(
      String name,
      String description,
      Integer intervalSeconds,
      Set<ProbeKind> probes,
      Boolean routeBlocked,
      String routeWithdraw) {
    this(name, description, intervalSeconds, probes, routeBlocked, routeWithdraw, null, null);
  }
}
