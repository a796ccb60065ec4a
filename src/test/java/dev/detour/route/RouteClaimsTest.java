package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.dns.DnsRule;
import dev.detour.probe.http.TlsRule;
import dev.detour.probe.icmp.IcmpRule;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.state.Standing;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.WatchState;
import dev.detour.watch.Watch;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a blocked watch wants routed, from its kind, method and sub-verdicts. */
class RouteClaimsTest {

  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  static Watch watch(String target, TargetKind kind) {
    Watch w = new Watch();
    w.target = target;
    w.kind = kind;
    return w;
  }

  static Part part(String part, WatchState state, BlockMethod method) {
    return new Part(part, state, method, NOW, null);
  }

  static Standing blocked(BlockMethod method, Part... parts) {
    return new Standing(1, WatchState.BLOCKED, method, List.of(parts), true);
  }

  @Test
  void anAddressWantsItself() {
    assertThat(
            RouteClaims.wanted(
                watch("149.154.167.99", TargetKind.ADDRESS), blocked(TcpRule.TCP_RST_INJECTED)))
        .containsOnlyKeys("149.154.167.99/32")
        .containsValue("149.154.167.99 blocked (" + TcpRule.TCP_RST_INJECTED.label() + ")");
  }

  @Test
  void aPrefixWantsItselfLessTheBlocksThatWorkDirectly() {
    assertThat(
            RouteClaims.wanted(
                watch("149.154.164.0/22", TargetKind.PREFIX),
                blocked(
                    TcpRule.TCP_BLACKHOLE,
                    part("149.154.164.0/24", WatchState.BLOCKED, TcpRule.TCP_BLACKHOLE),
                    part("149.154.165.0/24", WatchState.DOWN, null),
                    part("149.154.167.0/24", WatchState.UP, null))))
        .containsOnlyKeys("149.154.164.0/23", "149.154.166.0/24");
  }

  @Test
  void aHostWantsItsBlockedAddressesOnly() {
    assertThat(
            RouteClaims.wanted(
                watch("rutracker.org", TargetKind.HOST),
                blocked(
                    TlsRule.TLS_SNI_BLOCKED,
                    part("195.82.146.214", WatchState.BLOCKED, TlsRule.TLS_SNI_BLOCKED),
                    part("195.82.146.215", WatchState.UP, null),
                    part("2a00:1::1", WatchState.BLOCKED, TlsRule.TLS_SNI_BLOCKED))))
        .containsOnlyKeys("195.82.146.214/32", "2a00:1::1/128");
  }

  @Test
  void whatARouteCannotGetAroundIsNotRouted() {
    assertThat(
            RouteClaims.wanted(
                watch("lenta.example", TargetKind.HOST),
                blocked(DnsRule.DNS_TAMPERED, part("203.0.113.250", WatchState.UP, null))))
        .isEmpty();
    assertThat(
            RouteClaims.wanted(
                watch("198.18.0.9", TargetKind.ADDRESS), blocked(IcmpRule.ICMP_ONLY_FILTERED)))
        .isEmpty();
    assertThat(
            RouteClaims.wanted(
                watch("198.18.0.9", TargetKind.ADDRESS),
                new Standing(1, WatchState.UP, null, List.of(), true)))
        .isEmpty();
  }

  @Test
  void aQuicOnlyBlockIsRoutedWhereItsGroupAsks() {
    Watch w = watch("youtube.example", TargetKind.HOST);
    w.group = new dev.detour.watch.WatchGroup();
    Standing quic =
        blocked(
            dev.detour.probe.quic.QuicRule.QUIC_BLOCKED,
            part("198.18.0.21", WatchState.BLOCKED, dev.detour.probe.quic.QuicRule.QUIC_BLOCKED));
    assertThat(RouteClaims.wanted(w, quic)).as("TCP still works: not by default").isEmpty();
    w.group.routeQuicBlocks = true;
    assertThat(RouteClaims.wanted(w, quic)).containsOnlyKeys("198.18.0.21/32");
  }

  @Test
  void allowlistModeIsRouted() {
    assertThat(
            RouteClaims.wanted(
                watch("198.18.0.9", TargetKind.ADDRESS), blocked(BlockMethod.ALLOWLIST)))
        .containsOnlyKeys("198.18.0.9/32");
  }
}
