package dev.detour.verdict;

import static dev.detour.verdict.Evidence.hostReset;
import static dev.detour.verdict.Evidence.seedReset;
import static dev.detour.verdict.Evidence.synAck;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.dns.DnsRule;
import dev.detour.probe.http.HttpRule;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsRule;
import dev.detour.probe.icmp.IcmpRule;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.TcpRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evidence rules, one method at a time, with and without a control vantage. */
class VerdictsTest {

  static final HostTemplate LEARNED = new HostTemplate(3, 3, 65160);
  final Observation controlOk =
      Evidence.of()
          .open(80)
          .open(443)
          .echo(50)
          .ok(80)
          .ok(443)
          .tls(HttpStage.RESPONSE, HttpStage.RESPONSE, HttpStage.RESPONSE)
          .observation();
  final Observation controlDead =
      Evidence.of()
          .silent(80)
          .silent(443)
          .noEcho()
          .page(80, HttpStage.CONNECT_TIMEOUT, null, null, null)
          .observation();

  static Verdict judge(Evidence local, Observation control) {
    return AddressVerdicts.judge(local.observation(), control, LEARNED);
  }

  @Test
  void aCleanHostIsUp() {
    Verdict v = judge(Evidence.of().open(80).open(443).echo(61).ok(80), controlOk);
    assertThat(v.state()).isEqualTo(WatchState.UP);
    assertThat(v.reasons()).contains("port 80: open", "echo: 1/3 answered, 3 hops");
  }

  @Test
  void theSeedsForgedResetIsInjectedWhereTheControlConnects() {
    Evidence local = Evidence.of().port(80, SynAnswer.RST, seedReset(80, 58)).open(443).echo(61);
    Verdict v = judge(local, controlOk);
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(v.confidence()).isEqualTo(0.95);
    assertThat(v.timeoutsOnly()).isFalse();
    assertThat(String.join("\n", v.reasons()))
        .contains("RST ttl 58, id 1, seq 0 — no ACK")
        .contains("control: port 80 answers SYN-ACK");
  }

  @Test
  void aWellFormedResetFromTheWrongDistanceIsInjectedToo() {
    Evidence local = Evidence.of().port(80, SynAnswer.RST_ACK, hostReset(80, 58)).echo(61);
    Verdict v = judge(local, controlOk);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(String.join("\n", v.reasons())).contains("6 hops away where the host is 3");
  }

  @Test
  void theHostsOwnResetIsAClosedPortNotABlock() {
    Evidence local = Evidence.of().port(80, SynAnswer.RST_ACK, hostReset(80, 61)).open(443);
    Verdict v = judge(local, controlOk);
    assertThat(v.state()).isEqualTo(WatchState.UP);
    assertThat(v.reasons()).contains("port 80: closed by the host");
  }

  @Test
  void severalResetsToOneSynAreInjected() {
    Evidence local =
        Evidence.of().port(80, SynAnswer.RST_ACK, hostReset(80, 61), hostReset(80, 61));
    assertThat(judge(local, controlOk).method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
  }

  @Test
  void withoutAControlAnInjectedResetStillCountsWithLessConfidence() {
    Verdict v =
        AddressVerdicts.judge(
            Evidence.of().port(80, SynAnswer.RST, seedReset(80, 58)).observation(),
            null,
            HostTemplate.NONE);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(v.confidence()).isEqualTo(0.7);
    assertThat(v.reasons()).contains("no control vantage: only a block's own signature counts");
  }

  @Test
  void aBlockThatTheControlCannotConfirmIsADeadSite() {
    Evidence local = Evidence.of().port(80, SynAnswer.RST, seedReset(80, 58)).silent(443);
    Verdict v = judge(local, controlDead);
    assertThat(v.state()).isEqualTo(WatchState.DOWN);
    assertThat(String.join("\n", v.reasons())).contains("not a block (tcp_rst_injected seen here)");
  }

  @Test
  void aSignatureTheControlSharesOnOnePortLeavesAWorkingSiteUp() {
    Evidence local =
        Evidence.of()
            .open(80)
            .open(443)
            .page(80, HttpStage.REQUEST_RESET, null, null, null)
            .ok(443);
    Observation control =
        Evidence.of()
            .open(80)
            .open(443)
            .page(80, HttpStage.REQUEST_RESET, null, null, null)
            .ok(443)
            .observation();
    Verdict v = judge(local, control);
    assertThat(v.state()).isEqualTo(WatchState.UP);
    assertThat(String.join("\n", v.reasons())).contains("not a block (http_tampered seen here)");
  }

  @Test
  void theBareSynPassingWhereTheLinuxSynIsResetIsDpi() {
    Evidence local =
        Evidence.of()
            .syn(SynShape.BARE, 80, SynAnswer.SYN_ACK, synAck(80, 61))
            .syn(SynShape.LINUX, 80, SynAnswer.RST, seedReset(80, 9))
            .open(443);
    Verdict v = judge(local, controlOk);
    assertThat(v.method()).isEqualTo(TcpRule.DPI_SYN_SIGNATURE);
    assertThat(v.reasons().get(0))
        .contains(
            "the bare 44-byte SYN gets SYN-ACK, the 60-byte Linux SYN gets an injected reset");
    assertThat(AddressVerdicts.judge(local.observation(), null, HostTemplate.NONE).method())
        .as("a SYN-shape difference is a signature of its own")
        .isEqualTo(TcpRule.DPI_SYN_SIGNATURE);
  }

  @Test
  void synsVanishingWhereTheControlConnectsIsABlackHole() {
    Evidence local = Evidence.of().silent(80).open(443).echo(61);
    Verdict v = judge(local, controlOk);
    assertThat(v.method()).isEqualTo(TcpRule.TCP_BLACKHOLE);
    assertThat(v.timeoutsOnly()).as("a lossy link could fake it: look again").isTrue();
    assertThat(v.reasons()).contains("echo requests are still answered here");
  }

  @Test
  void withoutAControlATimeoutIsNeverABlock() {
    Verdict partly =
        AddressVerdicts.judge(
            Evidence.of().silent(80).open(443).observation(), null, HostTemplate.NONE);
    assertThat(partly.state()).isEqualTo(WatchState.UP);
    Verdict silent =
        AddressVerdicts.judge(
            Evidence.of().silent(80).silent(443).noEcho().observation(), null, HostTemplate.NONE);
    assertThat(silent.state()).isEqualTo(WatchState.DOWN);
  }

  @Test
  void silentEverywhereIsDown() {
    Verdict v = judge(Evidence.of().silent(80).silent(443).noEcho(), controlDead);
    assertThat(v.state()).isEqualTo(WatchState.DOWN);
    assertThat(v.reasons()).contains("nothing answers, here or from the control vantage");
  }

  @Test
  void aRedirectToTheIspsPageIsABlockPage() {
    Evidence local =
        Evidence.of()
            .open(80)
            .page(80, HttpStage.RESPONSE, 302, "http://warning.rt.ru/?id=1", "warning.rt.ru");
    Verdict v = judge(local, controlOk);
    assertThat(v.method()).isEqualTo(HttpRule.HTTP_BLOCKPAGE);
    assertThat(v.reasons().get(0)).contains("302 Location: http://warning.rt.ru/?id=1");
  }

  @Test
  void aResetOnceTheRequestIsSeenIsTampering() {
    Evidence local = Evidence.of().open(80).page(80, HttpStage.REQUEST_RESET, null, null, null);
    assertThat(judge(local, controlOk).method()).isEqualTo(HttpRule.HTTP_TAMPERED);
    Evidence stalled = Evidence.of().open(80).page(80, HttpStage.REQUEST_TIMEOUT, null, null, null);
    assertThat(AddressVerdicts.judge(stalled.observation(), null, HostTemplate.NONE).state())
        .as("a stall alone is no signature")
        .isEqualTo(WatchState.UP);
  }

  @Test
  void theNameInSniBeingResetIsSniFiltering() {
    Evidence local =
        Evidence.of().open(443).tls(HttpStage.TLS_RESET, HttpStage.RESPONSE, HttpStage.RESPONSE);
    Verdict v = judge(local, controlOk);
    assertThat(v.method()).isEqualTo(TlsRule.TLS_SNI_BLOCKED);
    assertThat(v.reasons().get(0))
        .isEqualTo("TLS with SNI s1.lab.test: tls_reset; with no SNI: handshake completes");
    Evidence allFail =
        Evidence.of().open(443).tls(HttpStage.TLS_RESET, HttpStage.TLS_RESET, HttpStage.TLS_RESET);
    assertThat(judge(allFail, controlOk).method())
        .as("every handshake failing is not about the name")
        .isNotEqualTo(TlsRule.TLS_SNI_BLOCKED);
  }

  @Test
  void onlyPingFilteredIsReportedButNotRoutable() {
    Verdict v = judge(Evidence.of().open(80).noEcho(), controlOk);
    assertThat(v.method()).isEqualTo(IcmpRule.ICMP_ONLY_FILTERED);
    assertThat(v.method().routable()).isFalse();
    assertThat(
            AddressVerdicts.judge(
                    Evidence.of().open(80).noEcho().observation(), null, HostTemplate.NONE)
                .state())
        .isEqualTo(WatchState.UP);
  }

  @Test
  void aResolverAnsweringWithTheBlockPageIsDnsTampering() {
    var local = Evidence.dns("NOERROR", List.of("203.0.113.250"), List.of("203.0.113.250"));
    var control = Evidence.dns("NOERROR", List.of("198.18.0.1"), List.of());
    Verdict v = new DnsRule().name(new NameSight(local, control, List.of()));
    assertThat(v.method()).isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(v.reasons()).contains("control resolves it to [198.18.0.1]");
    assertThat(new DnsRule().name(new NameSight(local, null, List.of())).method())
        .isEqualTo(DnsRule.DNS_TAMPERED);
    var nx = Evidence.dns("NXDOMAIN", List.of(), List.of());
    assertThat(new DnsRule().name(new NameSight(nx, control, List.of())).method())
        .isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(new DnsRule().name(new NameSight(nx, null, List.of())))
        .as("NXDOMAIN alone could be true")
        .isNull();
    assertThat(new DnsRule().name(new NameSight(control, control, List.of()))).isNull();
    assertThat(
            new DnsRule()
                .name(
                    new NameSight(
                        local, Evidence.dns("SERVFAIL", List.of(), List.of()), List.of())))
        .as("no genuine answer from abroad either: nothing says it lies")
        .isNull();
  }

  @Test
  void aWatchIsBlockedWhenAnyAddressIsAndTheNamesLieComesFirst() {
    Verdict up = Verdict.up(List.of("fine"));
    Verdict rst = Verdict.blocked(TcpRule.TCP_RST_INJECTED, 0.95, List.of("rst"), false);
    Verdict hole = Verdict.blocked(TcpRule.TCP_BLACKHOLE, 0.85, List.of("hole"), true);
    assertThat(HostVerdicts.combine(null, List.of(up, hole, rst)).method())
        .isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(HostVerdicts.combine(null, List.of(Verdict.down(List.of("x")), up)).state())
        .isEqualTo(WatchState.UP);
    Verdict dns = Verdict.blocked(DnsRule.DNS_TAMPERED, 0.95, List.of("lie"), false);
    assertThat(HostVerdicts.combine(dns, List.of(rst)).method()).isEqualTo(DnsRule.DNS_TAMPERED);
    assertThat(HostVerdicts.methods(dns, List.of(rst, up)))
        .containsExactlyInAnyOrder(DnsRule.DNS_TAMPERED, TcpRule.TCP_RST_INJECTED);
  }
}
