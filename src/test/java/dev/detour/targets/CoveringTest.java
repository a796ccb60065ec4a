package dev.detour.targets;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CoveringTest {

  @Test
  void anIpv4AddressIsHeldByItselfAndThirtyTwoPrefixes() {
    assertThat(Covering.targets("149.154.164.5"))
        .hasSize(33)
        .contains("149.154.164.5", "149.154.164.0/22", "149.154.164.4/31", "0.0.0.0/0")
        .doesNotContain("149.154.164.5/32");
  }

  @Test
  void anIpv6AddressIsWrittenAsWatchesStoreIt() {
    assertThat(Covering.targets("2001:DB8:0:0::7"))
        .hasSize(129)
        .contains("2001:db8::7", "2001:db8::/32", "2001:db8::/64");
  }

  @Test
  void textThatIsNoSingleAddressCoversNothing() {
    assertThat(Covering.targets("telegram.org")).isEmpty();
    assertThat(Covering.targets("149.154.164.0/22")).isEmpty();
    assertThat(Covering.targets("149.154")).isEmpty();
    assertThat(Covering.targets(" ")).isEmpty();
  }
}
