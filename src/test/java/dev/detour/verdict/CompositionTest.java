package dev.detour.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.dns.DnsRule;
import dev.detour.probe.http.TlsRule;
import dev.detour.probe.icmp.IcmpRule;
import dev.detour.probe.tcp.TcpRule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The last mile of a verdict as pure functions: a host from its name and addresses, a prefix from
 * its blocks, what a silent control makes of a round, and when a watch is looked at again.
 */
class CompositionTest {

  static final Instant T = Instant.parse("2026-11-25T08:00:00Z");
  static final Verdict UP = Verdict.up(List.of("port 443: open"));
  static final Verdict DOWN = Verdict.down(List.of("nothing answers"));
  static final Verdict RST = Verdict.blocked(TcpRule.TCP_RST_INJECTED, 0.95, List.of("rst"), false);
  static final Verdict HOLE = Verdict.blocked(TcpRule.TCP_BLACKHOLE, 0.85, List.of("hole"), true);
  static final Verdict LIES = Verdict.blocked(DnsRule.DNS_TAMPERED, 0.95, List.of("bogon"), false);

  @Test
  void aLyingResolverBlocksTheHostWhateverItsAddressesDo() {
    Verdict v = HostVerdicts.combine(LIES, List.of(UP, RST));
    assertThat(v.method()).isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(v.reasons()).containsExactly("bogon", "and an address: tcp_rst_injected");
    assertThat(HostVerdicts.methods(LIES, List.of(UP, RST)))
        .containsExactly(DnsRule.DNS_TAMPERED, TcpRule.TCP_RST_INJECTED);
  }

  @Test
  void anyBlockedAddressBlocksTheHostByTheMostSpecificMethod() {
    assertThat(HostVerdicts.combine(null, List.of(UP, HOLE, RST)).method())
        .isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(HostVerdicts.combine(null, List.of(DOWN, UP)).state()).isEqualTo(WatchState.UP);
    assertThat(HostVerdicts.combine(null, List.of()).state()).isEqualTo(WatchState.UNKNOWN);
  }

  @Test
  void aNameWithoutAddressesIsDownUnlessTheResolversSaidNothing() {
    assertThat(HostVerdicts.noAddress(LIES, true, false, "x.test")).isSameAs(LIES);
    Verdict silent = HostVerdicts.noAddress(null, true, false, "x.test");
    assertThat(silent.state()).isEqualTo(WatchState.UNKNOWN);
    assertThat(silent.reasons()).containsExactly("this host's resolvers do not answer for x.test");
    assertThat(HostVerdicts.noAddress(null, true, true, "x.test").state())
        .isEqualTo(WatchState.DOWN);
    assertThat(HostVerdicts.noAddress(null, false, false, "x.test").reasons())
        .containsExactly("x.test resolves to no address, here or from the control");
  }

  @Test
  void aControlThatDidNotAnswerMakesTheRoundCountForNothing() {
    Verdict v = HostVerdicts.controlSilent(HOLE, "198.18.0.1");
    assertThat(v.state()).isEqualTo(WatchState.UNKNOWN);
    assertThat(v.reasons())
        .containsExactly("the control vantage did not answer for 198.18.0.1", "hole");
  }

  static Part part(String block, WatchState state, BlockMethod method) {
    return new Part(block, state, method, T, null);
  }

  @Test
  void aPrefixIsBlockedByTheMethodMostOfItsBlockedBlocksShow() {
    List<Part> parts =
        List.of(
            part("198.18.0.0/24", WatchState.BLOCKED, TcpRule.TCP_BLACKHOLE),
            part("198.18.1.0/24", WatchState.BLOCKED, TcpRule.TCP_BLACKHOLE),
            part("198.18.2.0/24", WatchState.BLOCKED, TcpRule.TCP_RST_INJECTED),
            part("198.18.3.0/24", WatchState.UP, null));
    Verdict v = PrefixVerdicts.of(parts);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_BLACKHOLE);
    assertThat(v.reasons().get(0))
        .isEqualTo("3 of 4 blocks probed are blocked (1 tcp_rst_injected, 2 tcp_blackhole)");
    assertThat(PrefixVerdicts.methods(parts))
        .containsExactly(TcpRule.TCP_RST_INJECTED, TcpRule.TCP_BLACKHOLE);
  }

  @Test
  void aPrefixWithoutBlocksIsUpWhenAnyBlockAnswersDownWhenNone() {
    assertThat(
            PrefixVerdicts.of(
                    List.of(part("a", WatchState.UP, null), part("b", WatchState.DOWN, null)))
                .reasons())
        .containsExactly("1 of 2 blocks probed answer");
    assertThat(PrefixVerdicts.of(List.of(part("a", WatchState.DOWN, null))).state())
        .isEqualTo(WatchState.DOWN);
    assertThat(PrefixVerdicts.of(List.of()).state()).isEqualTo(WatchState.UNKNOWN);
  }

  @Test
  void aBlockRestingOnTimeoutsGetsASecondLookAtWhatTimedOutOnly() {
    Set<ProbeKind> ran = Set.of(ProbeKind.of("tcp_syn"), ProbeKind.of("icmp"));
    assertThat(Rechecks.secondLook(HOLE, ran)).containsExactly(ProbeKind.of("tcp_syn"));
    assertThat(Rechecks.secondLook(RST, ran)).as("a signature needs no second look").isEmpty();
    Verdict sni = Verdict.blocked(TlsRule.TLS_SNI_BLOCKED, 0.85, List.of(), true);
    assertThat(Rechecks.secondLook(sni, ran)).as("the TLS probe did not run").isEmpty();
    Verdict ping = Verdict.blocked(IcmpRule.ICMP_ONLY_FILTERED, 0.85, List.of(), true);
    assertThat(Rechecks.secondLook(ping, ran)).containsExactly(ProbeKind.of("icmp"));
  }

  @Test
  void onlyTheRoundThatWouldDeclareABlockIsDeciding() {
    Tracker up = new Tracker(WatchState.UP, null, T, null, 0, null);
    assertThat(Rechecks.deciding(null, HOLE, 3, 2)).as("a first look").isTrue();
    assertThat(Rechecks.deciding(up, HOLE, 3, 2)).isFalse();
    Tracker twoBad = new Tracker(WatchState.UP, null, T, HOLE, 2, T);
    assertThat(Rechecks.deciding(twoBad, HOLE, 3, 2)).isTrue();
    Tracker blocked = new Tracker(WatchState.BLOCKED, TcpRule.TCP_RST_INJECTED, T, null, 0, null);
    assertThat(Rechecks.deciding(blocked, HOLE, 3, 2)).as("a change of method").isTrue();
  }

  @Test
  void aDisagreeingWatchIsRecheckedSoonAtMostAsOftenAsAChangeTakesRounds() {
    Tracker pending = new Tracker(WatchState.UP, null, T, HOLE, 1, T);
    Tracker settled = new Tracker(WatchState.UP, null, T, null, 0, null);
    Duration five = Duration.ofSeconds(5);
    Duration minute = Duration.ofMinutes(1);
    assertThat(Rechecks.recheck(five, minute, pending, false, 0, 3, 2)).isTrue();
    assertThat(Rechecks.recheck(five, minute, pending, false, 2, 3, 2)).isFalse();
    assertThat(Rechecks.recheck(five, minute, settled, false, 0, 3, 2)).isFalse();
    assertThat(Rechecks.recheck(five, minute, pending, true, 0, 3, 2)).as("offline").isFalse();
    assertThat(Rechecks.recheck(Duration.ZERO, minute, pending, false, 0, 3, 2)).isFalse();
    assertThat(Rechecks.recheck(minute, minute, pending, false, 0, 3, 2))
        .as("not shorter than the interval")
        .isFalse();
  }

  @Test
  void everyRuleDeclaresItsMethodsAndTheyParseBackInAnyCase() {
    assertThat(BlockMethod.all())
        .extracting(BlockMethod::label)
        .containsExactly(
            "dns_tampered",
            "http_blockpage",
            "dpi_syn_signature",
            "tcp_rst_injected",
            "tls_sni_blocked",
            "ech_blocked",
            "tls_fingerprint_blocked",
            "http_tampered",
            "transfer_stalled",
            "throttled",
            "tcp_blackhole",
            "quic_blocked",
            "icmp_only_filtered",
            "allowlist");
    assertThat(BlockMethod.of("quic_blocked").routable()).isFalse();
    assertThat(BlockMethod.of("quic_blocked").routableOnRequest()).isTrue();
    assertThat(BlockMethod.ALLOWLIST.routable()).isTrue();
    assertThat(BlockMethod.of("TCP_RST_INJECTED")).isSameAs(TcpRule.TCP_RST_INJECTED);
    assertThat(BlockMethod.of("throttled").routable()).isTrue();
    assertThat(BlockMethod.of("transfer_stalled").routable()).isTrue();
    assertThat(DnsRule.DNS_TAMPERED.routable()).isFalse();
    assertThat(TcpRule.TCP_BLACKHOLE.traceable()).isTrue();
  }
}
