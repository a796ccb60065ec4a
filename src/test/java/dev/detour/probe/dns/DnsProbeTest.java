package dev.detour.probe.dns;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DnsProbeTest {

  @Test
  void bogonsAreAddressesNoPublicSiteHas() {
    assertThat(DnsProbe.isBogon("10.1.2.3")).isTrue();
    assertThat(DnsProbe.isBogon("192.168.0.1")).isTrue();
    assertThat(DnsProbe.isBogon("127.0.0.1")).isTrue();
    assertThat(DnsProbe.isBogon("0.0.0.0")).isTrue();
    assertThat(DnsProbe.isBogon("169.254.1.1")).isTrue();
    assertThat(DnsProbe.isBogon("::1")).isTrue();
    assertThat(DnsProbe.isBogon("149.154.167.99")).isFalse();
    assertThat(DnsProbe.isBogon("2001:67c:4e8:f004::9")).isFalse();
  }
}
