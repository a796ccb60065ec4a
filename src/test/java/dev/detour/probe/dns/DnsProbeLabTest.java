package dev.detour.probe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** DNS from the lab's home: the ISP's lies, and the truth through the tunnel. */
class DnsProbeLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();
  final DnsProbe probe = new DnsProbe(Duration.ofSeconds(2), Set.of(Lab.BLOCK_PAGE));
  static final String NAME = "blocked." + Lab.ZONE;

  DnsEvidence ask(String server, String local) throws Exception {
    InetSocketAddress resolver = new InetSocketAddress(InetAddress.getByName(server), 53);
    InetAddress from = local == null ? null : InetAddress.getByName(local);
    return NetNs.call(lab.namespace("home"), () -> probe.query(NAME, "A", resolver, from));
  }

  @Test
  void theTruthWhenNothingIsSpoofed() throws Exception {
    DnsEvidence answer = ask(Lab.ISP_RESOLVER, null);
    assertThat(answer.rcode()).isEqualTo("NOERROR");
    assertThat(answer.addresses()).containsExactly(Lab.WEB2);
    assertThat(answer.bogons()).isEmpty();
    assertThat(answer.blockPageAddresses()).isEmpty();
  }

  @Test
  void theIspLiesToEveryResolverButNotThroughTheTunnel() throws Exception {
    lab.block("dns-spoof", NAME);
    try {
      DnsEvidence isp = ask(Lab.ISP_RESOLVER, null);
      DnsEvidence intercepted = ask(Lab.DNS, null);
      DnsEvidence control = ask(Lab.DNS, Lab.TUNNEL_HOME);
      assertThat(isp.addresses()).containsExactly(Lab.BLOCK_PAGE);
      assertThat(isp.blockPageAddresses()).containsExactly(Lab.BLOCK_PAGE);
      assertThat(intercepted.addresses()).containsExactly(Lab.BLOCK_PAGE);
      assertThat(control.addresses()).containsExactly(Lab.WEB2);
    } finally {
      lab.unblock("dns-spoof", NAME);
    }
  }

  @Test
  void nxdomainAndSilenceAreReportedAsSuch() throws Exception {
    lab.block("dns-spoof", NAME, "nxdomain");
    try {
      assertThat(ask(Lab.ISP_RESOLVER, null).rcode()).isEqualTo("NXDOMAIN");
    } finally {
      lab.unblock("dns-spoof", NAME, "nxdomain");
    }
    lab.block("down", Lab.DNS);
    try {
      DnsEvidence silent = ask(Lab.DNS, Lab.TUNNEL_HOME);
      assertThat(silent.answered()).isFalse();
      assertThat(silent.error()).contains("no answer");
    } finally {
      lab.unblock("down", Lab.DNS);
    }
  }
}
