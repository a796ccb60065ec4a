package dev.detour.verdict;

import static dev.detour.verdict.Evidence.hostReset;
import static dev.detour.verdict.Evidence.seedReset;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.dns.DnsRule;
import dev.detour.probe.http.HttpRule;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsRule;
import dev.detour.probe.quic.QuicEvidence;
import dev.detour.probe.quic.QuicRule;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.probe.transfer.TransferEvidence.End;
import dev.detour.probe.transfer.TransferRule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the ISP blocks since 2021 (throttling, freezes after 16–20 KB, block pages no list knows, a
 * resolver that answers with a public address) and how a watch's ports and addresses add up, with
 * and without a control vantage.
 */
class TodaysCensorTest {

  static final HostTemplate LEARNED = VerdictsTest.LEARNED;

  /** A site that works: both ports open, its 200 KB front page on each, its certificate. */
  static Evidence working() {
    return Evidence.of()
        .open(80)
        .open(443)
        .echo(61)
        .page(80, HttpStage.RESPONSE, 200, null, "s1.lab.test works", null, 204_800)
        .page(443, HttpStage.RESPONSE, 200, null, "s1.lab.test works", null, 204_800)
        .tls(HttpStage.RESPONSE, HttpStage.RESPONSE, HttpStage.RESPONSE);
  }

  static Verdict judge(Evidence here, Evidence there) {
    return AddressVerdicts.judge(
        here.observation(), there == null ? null : there.observation(), LEARNED);
  }

  static String reasons(Verdict v) {
    return String.join("\n", v.reasons());
  }

  // ------------------------------------------------------------------ freezes

  @Test
  void aTransferFrozenAfterSixteenKilobytesWhereTheControlGetsItWholeIsStalled() {
    Verdict v =
        judge(
            working().transfer(End.STALLED, 15_928, 2_400),
            working().transfer(End.COMPLETE, 212_102, 10));
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(TransferRule.TRANSFER_STALLED);
    assertThat(reasons(v))
        .contains("froze after 15,928 bytes; the control fetched 212,102 in 0.01 s");
    assertThat(v.method().routable()).isTrue();
  }

  @Test
  void aPageTheHttpProbeSeesFreezeIsStalledWithoutATransfer() {
    Verdict v = judge(working().stalled(443, 16_384), working());
    assertThat(v.method()).isEqualTo(TransferRule.TRANSFER_STALLED);
    assertThat(reasons(v)).contains("froze after 16,384 bytes");
  }

  @Test
  void aStallTheControlSharesIsNotABlock() {
    Verdict v =
        judge(
            working().transfer(End.STALLED, 15_928, 2_400),
            working().transfer(End.STALLED, 15_928, 2_400));
    assertThat(v.state()).isEqualTo(WatchState.UP);
    assertThat(reasons(v)).contains("but the control vantage fails the same way");
  }

  @Test
  void aStallOutsideTheCensorsWindowIsNotAFreeze() {
    Evidence control = working().transfer(End.COMPLETE, 900_000, 80);
    assertThat(judge(working().transfer(End.STALLED, 700, 2_100), control).state())
        .as("under 1 KB: the server never really answered")
        .isEqualTo(WatchState.UP);
    assertThat(judge(working().transfer(End.STALLED, 300_000, 4_000), control).state())
        .as("past 64 KB: a broken download, not the 16–20 KB window")
        .isEqualTo(WatchState.UP);
  }

  @Test
  void withoutAControlAFreezeIsNeverABlock() {
    Verdict v = judge(working().transfer(End.STALLED, 15_928, 2_400), null);
    assertThat(v.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aPageSmallerThanTheWindowArrivesWholeAndIsUp() {
    Verdict v =
        judge(
            working().transfer(End.COMPLETE, 8_400, 30),
            working().transfer(End.COMPLETE, 8_400, 5));
    assertThat(v.state()).isEqualTo(WatchState.UP);
    assertThat(v.reasons()).anyMatch(r -> r.startsWith("transfer: 8,400 bytes"));
  }

  // ------------------------------------------------------------------ throttling

  @Test
  void aCrawlAtAFractionOfTheTunnelsSpeedIsThrottled() {
    // 128 kbit/s here (16 KB a second for 10 s); the whole 256 KB in 0.08 s through the tunnel.
    Verdict v =
        judge(
            working().transfer(End.TIME, 163_840, 10_000),
            working().transfer(End.LIMIT, 262_144, 80));
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(TransferRule.THROTTLED);
    assertThat(reasons(v))
        .contains("throttled to 131 kbit/s, 0.6 % of the tunnel's speed")
        .contains("never above 131 kbit/s in any 0.2 s");
  }

  @Test
  void aSiteEquallySlowFromBothVantagesIsUp() {
    Verdict v =
        judge(
            working().transfer(End.TIME, 163_840, 10_000),
            working().transfer(End.TIME, 150_000, 10_000));
    assertThat(v.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void slowerThanTheShareButFasterThanTheRateIsNotThrottling() {
    // 2 Mbit/s here, 100 Mbit/s through the tunnel: a slow line, not the ISP's policer.
    Verdict v =
        judge(
            working().transfer(End.LIMIT, 262_144, 1_000),
            working().transfer(End.LIMIT, 262_144, 20));
    assertThat(v.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void theThresholdsAreTheUsers() {
    Evidence here = working().transfer(End.LIMIT, 262_144, 1_000);
    Evidence there = working().transfer(End.LIMIT, 262_144, 20);
    Verdict v =
        AddressVerdicts.judge(
            here.observation(), there.observation(), LEARNED, new Thresholds(0.2, 5_000_000));
    assertThat(v.method()).isEqualTo(TransferRule.THROTTLED);
  }

  @Test
  void aLossyPathThatStallsAndBurstsIsNotThrottled() {
    // 374 kbit/s on average (a lossy link's retransmission timeouts), but between its stalls of
    // 0.7 s it runs at full speed: 40 KB in a tenth of a second.
    List<Long> curve = new ArrayList<>();
    long bytes = 0;
    for (int i = 1; i <= 56; i++) {
      if (i % 8 == 0) {
        bytes += 40_000;
      }
      curve.add(Math.min(bytes, 262_144));
    }
    Verdict v =
        judge(
            working().transferCurve(End.LIMIT, curve, 374_000),
            working().transfer(End.LIMIT, 262_144, 50));
    assertThat(v.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aSmallPageTellsNoSpeed() {
    Verdict v =
        judge(
            working().transfer(End.COMPLETE, 8_400, 600),
            working().transfer(End.COMPLETE, 8_400, 5));
    assertThat(v.state()).isEqualTo(WatchState.UP);
  }

  // ------------------------------------------------------------------ ports and addresses

  /**
   * Port 80 gets the seed's injected reset here and a SYN-ACK through the tunnel; port 443 is
   * closed everywhere (the host serves only 80). The closed port must not cancel the block.
   */
  @Test
  void onePortFailingAlikeEverywhereNeverCancelsAnotherPortsBlock() {
    Evidence here =
        Evidence.of()
            .port(80, SynAnswer.RST, seedReset(80, 58))
            .port(443, SynAnswer.RST_ACK, hostReset(443, 61))
            .echo(61)
            .page(80, HttpStage.CONNECT_TIMEOUT, null, null, null)
            .page(443, HttpStage.CONNECT_REFUSED, null, null, null);
    Evidence there =
        Evidence.of()
            .open(80)
            .port(443, SynAnswer.RST_ACK, hostReset(443, 61))
            .echo(50)
            .ok(80)
            .page(443, HttpStage.CONNECT_REFUSED, null, null, null);
    Verdict v = judge(here, there);
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(reasons(v)).doesNotContain("but the control vantage fails the same way");
  }

  @Test
  void aPortBadFromBothVantagesIsDownForThatPortOnly() {
    Evidence here =
        Evidence.of()
            .open(443)
            .port(80, SynAnswer.TIMEOUT)
            .echo(61)
            .ok(443)
            .page(80, HttpStage.CONNECT_TIMEOUT, null, null, null);
    Evidence there =
        Evidence.of()
            .open(443)
            .port(80, SynAnswer.TIMEOUT)
            .echo(50)
            .ok(443)
            .page(80, HttpStage.CONNECT_TIMEOUT, null, null, null);
    assertThat(judge(here, there).state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aWatchIsDownOnlyWhenNothingWorksFromEitherVantage() {
    Evidence dead =
        Evidence.of()
            .silent(80)
            .silent(443)
            .noEcho()
            .page(80, HttpStage.CONNECT_TIMEOUT, null, null, null);
    assertThat(judge(dead, dead).state()).isEqualTo(WatchState.DOWN);
    Verdict blockedAddress =
        Verdict.blocked(TcpRule.TCP_RST_INJECTED, 0.95, List.of("rst on one address"), false);
    Verdict downAddress = Verdict.down(List.of("nothing answers"));
    assertThat(HostVerdicts.combine(null, List.of(downAddress, blockedAddress)).state())
        .as("one address blocked, another dead: blocked")
        .isEqualTo(WatchState.BLOCKED);
    assertThat(HostVerdicts.combine(null, List.of(downAddress, Verdict.up(List.of("ok")))).state())
        .isEqualTo(WatchState.UP);
  }

  // ------------------------------------------------------------------ block pages by comparison

  @Test
  void aPageNoListKnowsIsABlockPageWhenTheControlGetsTheSite() {
    Evidence here =
        Evidence.of()
            .open(80)
            .open(443)
            .echo(61)
            .page(80, HttpStage.RESPONSE, 200, null, "Ресурс заблокирован", null, 412)
            .ok(443);
    Evidence there =
        Evidence.of()
            .open(80)
            .open(443)
            .echo(50)
            .page(80, HttpStage.RESPONSE, 200, null, "s1.lab.test works", null, 204_800)
            .ok(443);
    Verdict v = judge(here, there);
    assertThat(v.method()).isEqualTo(HttpRule.HTTP_BLOCKPAGE);
    assertThat(reasons(v))
        .contains("http://s1.lab.test:80/ → 200 «Ресурс заблокирован» (412 bytes) here")
        .contains("control: 200 «s1.lab.test works» (204,800 bytes) — not the same page");
  }

  @Test
  void aRedirectOffTheHostTheControlDoesNotGetIsABlockPage() {
    Evidence here =
        Evidence.of()
            .open(80)
            .echo(61)
            .page(80, HttpStage.RESPONSE, 302, "http://stop.isp.example/?u=s1", null, null, 0);
    Evidence there = Evidence.of().open(80).echo(50).ok(80);
    Verdict v = judge(here, there);
    assertThat(v.method()).isEqualTo(HttpRule.HTTP_BLOCKPAGE);
  }

  @Test
  void theSamePageIsNoBlockPage() {
    Evidence here =
        Evidence.of()
            .open(80)
            .echo(61)
            .page(80, HttpStage.RESPONSE, 200, null, "s1.lab.test works", null, 190_000);
    Evidence there =
        Evidence.of()
            .open(80)
            .echo(50)
            .page(80, HttpStage.RESPONSE, 200, null, "A changing title", null, 204_800);
    assertThat(judge(here, there).state())
        .as("about the same length (OONI's 0.7)")
        .isEqualTo(WatchState.UP);
  }

  // ------------------------------------------------------------------ DNS consistency

  static final String REAL = "198.18.0.1";
  static final String PARKED = "203.0.113.15";

  static NameSight sight(Evidence atParking) {
    return new NameSight(
        Evidence.dns("NOERROR", List.of(PARKED), List.of()),
        Evidence.dns("NOERROR", List.of(REAL), List.of()),
        List.of(
            new NameSight.Address(REAL, working().observation(), working().observation()),
            new NameSight.Address(PARKED, atParking.observation(), atParking.observation())));
  }

  @Test
  void aPublicAddressPresentingAnotherSitesCertificateIsDnsTampering() {
    Evidence parking =
        Evidence.of()
            .open(80)
            .open(443)
            .page(80, HttpStage.RESPONSE, 200, null, "This domain is parked", null, 90)
            .page(443, HttpStage.RESPONSE, 200, null, "This domain is parked", null, 90)
            .tls(
                HttpStage.RESPONSE,
                HttpStage.RESPONSE,
                HttpStage.RESPONSE,
                "CN=parking.example",
                "9a9",
                false);
    Verdict v = new DnsRule().name(sight(parking));
    assertThat(v.method()).isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(reasons(v))
        .contains(
            PARKED
                + " (only this host's resolver gives it) presents a certificate that is not for"
                + " s1.lab.test (CN=parking.example); 198.18.0.1 presents CN=lab.test (seen through"
                + " the control vantage)")
        .contains("control resolves it to [" + REAL + "]");
  }

  @Test
  void anAddressThatServesAnotherPageOverPlainHttpIsDnsTampering() {
    Evidence parking =
        Evidence.of()
            .open(80)
            .page(80, HttpStage.RESPONSE, 200, null, "This domain is parked", null, 90);
    Verdict v = new DnsRule().name(sight(parking));
    assertThat(v.method()).isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(reasons(v)).contains("serves another page");
  }

  @Test
  void aCdnsOtherEdgeWithItsOwnCertificateForTheNameIsNoLie() {
    Evidence edge =
        working()
            .tls(
                HttpStage.RESPONSE,
                HttpStage.RESPONSE,
                HttpStage.RESPONSE,
                "CN=*.lab.test",
                "e0e",
                true);
    assertThat(new DnsRule().name(sight(edge))).isNull();
  }

  @Test
  void withoutTheControlsAnswersAPublicAddressIsBelieved() {
    NameSight alone =
        new NameSight(
            Evidence.dns("NOERROR", List.of(PARKED), List.of()),
            null,
            List.of(new NameSight.Address(PARKED, working().observation(), null)));
    assertThat(new DnsRule().name(alone)).isNull();
  }

  // ------------------------------------------------------------------ the handshake's shape

  @Test
  void onlyTheHelloWithEchFailingHereIsAnEchBlock() {
    Verdict v =
        judge(
            working().shapes(HttpStage.RESPONSE, HttpStage.TLS_TIMEOUT),
            working().shapes(HttpStage.RESPONSE, HttpStage.RESPONSE));
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(TlsRule.ECH_BLOCKED);
    assertThat(reasons(v))
        .contains("a Chrome-like hello with ECH for s1.lab.test: silence (no answer)")
        .contains("without ECH the server answers")
        .contains("control: every shape passes");
    assertThat(v.timeoutsOnly()).isTrue();
  }

  @Test
  void aServerThatRefusesEchItselfIsNoBlock() {
    // Reset with ECH here and through the control alike: the site's own doing.
    Verdict v =
        judge(
            working().shapes(HttpStage.RESPONSE, HttpStage.TLS_RESET),
            working().shapes(HttpStage.RESPONSE, HttpStage.TLS_RESET));
    assertThat(v.state()).isEqualTo(WatchState.UP);
    // Without a control nothing tells the two apart: never a block.
    assertThat(judge(working().shapes(HttpStage.RESPONSE, HttpStage.TLS_TIMEOUT), null).state())
        .isEqualTo(WatchState.UP);
  }

  @Test
  void aBrowsersHelloFrozenWhileJavasPassesIsAFingerprintBlock() {
    Verdict v =
        judge(
            working().shapes(HttpStage.TLS_TIMEOUT, HttpStage.TLS_TIMEOUT),
            working().shapes(HttpStage.RESPONSE, HttpStage.RESPONSE));
    assertThat(v.method()).isEqualTo(TlsRule.TLS_FINGERPRINT_BLOCKED);
    assertThat(reasons(v))
        .startsWith(
            "a Chrome-like hello for s1.lab.test: silence (no answer); the JDK's hello passes")
        .contains("a Chrome-like hello with ECH: silence (no answer)");
    // The same failure through the control: not a block.
    assertThat(
            judge(
                    working().shapes(HttpStage.TLS_TIMEOUT, HttpStage.TLS_TIMEOUT),
                    working().shapes(HttpStage.TLS_TIMEOUT, HttpStage.TLS_TIMEOUT))
                .state())
        .isNotEqualTo(WatchState.BLOCKED);
  }

  // ------------------------------------------------------------------ QUIC

  @Test
  void quicSilentHereAndAnsweredThroughTheControlIsAQuicBlock() {
    Verdict v =
        judge(
            working().quic(QuicEvidence.Outcome.SILENT),
            working().quic(QuicEvidence.Outcome.HANDSHAKE));
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(QuicRule.QUIC_BLOCKED);
    assertThat(reasons(v)).contains("3 Initials, no answer here").contains("handshake in 7 ms");
    assertThat(v.timeoutsOnly()).isTrue();
    // Refused by an ICMP port unreachable here: confirmed, not a timeout.
    Verdict refused =
        judge(
            working().quic(QuicEvidence.Outcome.UNREACHABLE),
            working().quic(QuicEvidence.Outcome.ANSWERED));
    assertThat(refused.method()).isEqualTo(QuicRule.QUIC_BLOCKED);
    assertThat(refused.timeoutsOnly()).isFalse();
  }

  @Test
  void noQuicAnywhereOrNoControlIsNoQuicBlock() {
    assertThat(
            judge(
                    working().quic(QuicEvidence.Outcome.SILENT),
                    working().quic(QuicEvidence.Outcome.SILENT))
                .state())
        .isEqualTo(WatchState.UP);
    assertThat(judge(working().quic(QuicEvidence.Outcome.SILENT), null).state())
        .isEqualTo(WatchState.UP);
  }

  @Test
  void aTcpBlockOutranksQuics() {
    Verdict v =
        judge(
            Evidence.of()
                .port(80, SynAnswer.RST, seedReset(80, 58))
                .port(443, SynAnswer.RST, seedReset(443, 58))
                .echo(61)
                .quic(QuicEvidence.Outcome.SILENT),
            working().quic(QuicEvidence.Outcome.HANDSHAKE));
    assertThat(v.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
  }
}
