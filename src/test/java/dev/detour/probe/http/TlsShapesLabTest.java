package dev.detour.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.ProbeResult;
import dev.detour.verdict.AddressVerdicts;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TLS probe's five hellos from the lab's home, directly and through the tunnel, against a
 * censor that drops ECH, one that freezes a browser-shaped hello, and a host that refuses ECH
 * itself — and what the TLS rule makes of each.
 */
class TlsShapesLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();

  final HttpProbe http =
      new HttpProbe(
          Duration.ofSeconds(2), Duration.ofSeconds(2), new BlockPages(List.of(), List.of()));
  final TlsProbe tls = new TlsProbe(http, "www.example.com");

  record Pair(TlsHandshakes here, TlsHandshakes there) {
    Verdict verdict() {
      return AddressVerdicts.judge(observation(here), observation(there), HostTemplate.NONE);
    }

    static Observation observation(TlsHandshakes e) {
      return new Observation(
          List.of(new ProbeResult(TlsProbe.KIND, ProbeResult.Status.OK, null, 1, e, null)));
    }

    TlsEvidence here(TlsEvidence.Shape shape) {
      return TlsRule.hello(observation(here), TlsEvidence.Sni.TARGET, shape).orElseThrow();
    }
  }

  Pair hellos(String address, String name) throws Exception {
    InetAddress target = InetAddress.getByName(address);
    InetAddress tunnel = InetAddress.getByName(Lab.TUNNEL_HOME);
    String home = lab.namespace("home");
    return new Pair(
        NetNs.call(home, () -> tls.run(request(target, name, null))),
        NetNs.call(home, () -> tls.run(request(target, name, tunnel))));
  }

  static ProbeRequest request(InetAddress address, String name, InetAddress source) {
    return new ProbeRequest(name, address, name, List.of(443), null, source, null);
  }

  @Test
  void everyShapePassesWhereNothingReadsThem() throws Exception {
    Pair p = hellos("198.18.0.40", "s40." + Lab.ZONE);
    for (TlsEvidence.Shape shape : TlsEvidence.Shape.values()) {
      assertThat(p.here(shape).passed()).as("%s: %s", shape, p.here(shape)).isTrue();
    }
    assertThat(p.verdict().state()).isEqualTo(WatchState.UP);
  }

  @Test
  void echDroppedHereIsEchBlocked() throws Exception {
    lab.block("ech", "198.18.0.41");
    try {
      Pair p = hellos("198.18.0.41", "s41." + Lab.ZONE);
      assertThat(p.here(TlsEvidence.Shape.BROWSER_ECH).stage()).isEqualTo(HttpStage.TLS_TIMEOUT);
      assertThat(p.here(TlsEvidence.Shape.BROWSER).passed()).isTrue();
      assertThat(p.here(TlsEvidence.Shape.JAVA).passed()).isTrue();
      Verdict v = p.verdict();
      assertThat(v.method()).as(v.reasons().toString()).isEqualTo(TlsRule.ECH_BLOCKED);
      assertThat(v.reasons().get(0))
          .isEqualTo(
              "a Chrome-like hello with ECH for s41.lab.test: silence (no answer); without ECH the"
                  + " server answers");
    } finally {
      lab.unblock("ech", "198.18.0.41");
    }
  }

  @Test
  void aBrowsersHelloFrozenHereIsFingerprintFiltering() throws Exception {
    lab.block("fingerprint", "198.18.0.42");
    try {
      Pair p = hellos("198.18.0.42", "s42." + Lab.ZONE);
      assertThat(p.here(TlsEvidence.Shape.BROWSER).passed()).isFalse();
      assertThat(p.here(TlsEvidence.Shape.BROWSER_ECH).passed()).isFalse();
      assertThat(p.here(TlsEvidence.Shape.JAVA).passed()).isTrue();
      Verdict v = p.verdict();
      assertThat(v.method()).as(v.reasons().toString()).isEqualTo(TlsRule.TLS_FINGERPRINT_BLOCKED);
      assertThat(v.reasons())
          .contains(
              "a Chrome-like hello for s42.lab.test: silence (no answer); the JDK's hello passes",
              "a Chrome-like hello with ECH: silence (no answer)",
              "control: every shape passes");
    } finally {
      lab.unblock("fingerprint", "198.18.0.42");
    }
  }

  @Test
  void aHostThatRefusesEchItselfIsNoBlock() throws Exception {
    lab.block("ech-reject", "198.18.0.43");
    try {
      Pair p = hellos("198.18.0.43", "s43." + Lab.ZONE);
      assertThat(p.here(TlsEvidence.Shape.BROWSER_ECH).stage()).isEqualTo(HttpStage.TLS_RESET);
      Verdict v = p.verdict();
      assertThat(v.state()).as(v.reasons().toString()).isEqualTo(WatchState.UP);
    } finally {
      lab.unblock("ech-reject", "198.18.0.43");
    }
  }
}
