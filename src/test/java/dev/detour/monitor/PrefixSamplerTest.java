package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddressString;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** A /16 costs 256 probes a round, not 65,536; a /8 is covered in turn; a live address sticks. */
class PrefixSamplerTest {

  static boolean inside(String prefix, String address) {
    return new IPAddressString(prefix)
        .getAddress()
        .contains(new IPAddressString(address).getAddress());
  }

  @Test
  void aSlash16IsOneAddressPerSlash24ARound() {
    List<PrefixSampler.Sample> samples = PrefixSampler.sample("198.18.0.0/16", 0, 1, 256, Map.of());
    assertThat(samples).hasSize(256);
    assertThat(samples.stream().map(PrefixSampler.Sample::block).distinct()).hasSize(256);
    for (PrefixSampler.Sample s : samples) {
      assertThat(inside(s.block(), s.address())).as(s.toString()).isTrue();
      assertThat(s.address()).doesNotEndWith(".0").doesNotEndWith(".255");
      assertThat(s.block()).endsWith("/24");
    }
  }

  @Test
  void theAddressInsideABlockRotatesRoundByRound() {
    Set<String> seen = new HashSet<>();
    for (int round = 0; round < 254; round++) {
      seen.add(PrefixSampler.sample("198.18.7.0/24", round, 1, 256, Map.of()).get(0).address());
    }
    assertThat(seen).as("every host address of the /24 in 254 rounds").hasSize(254);
  }

  @Test
  void aSlash8IsCoveredInTurnUnderTheBlockBudget() {
    Set<String> blocks = new HashSet<>();
    for (int round = 0; round < 256; round++) {
      List<PrefixSampler.Sample> samples =
          PrefixSampler.sample("10.0.0.0/8", round, 1, 256, Map.of());
      assertThat(samples).hasSize(256);
      blocks.addAll(samples.stream().map(PrefixSampler.Sample::block).collect(Collectors.toSet()));
    }
    assertThat(blocks).hasSize(65536);
  }

  @Test
  void anAddressThatAnsweredIsProbedAgainBesidesANewOne() {
    List<PrefixSampler.Sample> samples =
        PrefixSampler.sample(
            "149.154.164.0/22", 3, 2, 256, Map.of("149.154.165.0/24", "149.154.165.10"));
    assertThat(samples).hasSize(8);
    assertThat(samples)
        .filteredOn(s -> s.block().equals("149.154.165.0/24"))
        .extracting(PrefixSampler.Sample::address)
        .contains("149.154.165.10")
        .hasSize(2);
  }

  @Test
  void smallPrefixesAndIpv6AreTheirOwnBlock() {
    List<PrefixSampler.Sample> small = PrefixSampler.sample("203.0.113.16/28", 0, 3, 256, Map.of());
    assertThat(small).hasSize(3).allMatch(s -> s.block().equals("203.0.113.16/28"));
    assertThat(small).allMatch(s -> inside("203.0.113.16/28", s.address()));
    List<PrefixSampler.Sample> v6 = PrefixSampler.sample("2001:db8::/112", 0, 2, 256, Map.of());
    assertThat(v6).hasSize(2).allMatch(s -> s.block().equals("2001:db8::/112"));
  }

  @Test
  void anIpv6Slash32IsSampledPerSlash48UnderTheBudgetNeverSwept() {
    List<PrefixSampler.Sample> round0 = PrefixSampler.sample("2001:db8::/32", 0, 1, 256, Map.of());
    assertThat(round0).hasSize(256);
    assertThat(round0).allMatch(s -> s.block().endsWith("/48"));
    assertThat(round0.get(0).block()).isEqualTo("2001:db8::/48");
    assertThat(round0.get(0).address()).isEqualTo("2001:db8::1");
    assertThat(round0.get(255).block()).isEqualTo("2001:db8:ff::/48");
    // The next round takes the next 256 /48s: 65,536 of them in 256 rounds.
    List<PrefixSampler.Sample> round1 = PrefixSampler.sample("2001:db8::/32", 1, 1, 256, Map.of());
    assertThat(round1.get(0).block()).isEqualTo("2001:db8:100::/48");
    assertThat(PrefixSampler.sample("2001:db8::/32", 256, 1, 256, Map.of()).get(0).block())
        .isEqualTo("2001:db8::/48");
  }

  @Test
  void insideASlash48TheLowSubnetsAndHostIdsAreTriedInTurn() {
    Set<String> seen = new java.util.LinkedHashSet<>();
    for (int round = 0; round < 40; round++) {
      for (PrefixSampler.Sample s :
          PrefixSampler.sample("2001:db8:5::/48", round, 2, 256, Map.of())) {
        assertThat(s.block()).isEqualTo("2001:db8:5::/48");
        assertThat(inside("2001:db8:5::/48", s.address())).isTrue();
        seen.add(s.address());
      }
    }
    assertThat(seen).hasSize(80);
    assertThat(seen)
        .startsWith("2001:db8:5::1", "2001:db8:5:1::1")
        .contains("2001:db8:5:f::1", "2001:db8:5::2", "2001:db8:5:3::5");
    // A /56 is cut into its /64s, each sampled at its low host ids.
    List<PrefixSampler.Sample> slash56 =
        PrefixSampler.sample("2001:db8:5:100::/56", 0, 1, 256, Map.of());
    assertThat(slash56).hasSize(256).allMatch(s -> s.block().endsWith("/64"));
    assertThat(slash56.get(3).address()).isEqualTo("2001:db8:5:103::1");
  }

  @Test
  void anIpv6AddressThatAnsweredIsKept() {
    List<PrefixSampler.Sample> s =
        PrefixSampler.sample(
            "2001:db8:5::/48", 7, 2, 256, Map.of("2001:db8:5::/48", "2001:db8:5:2::53"));
    assertThat(s).extracting(PrefixSampler.Sample::address).contains("2001:db8:5:2::53").hasSize(2);
  }
}
