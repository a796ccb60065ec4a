package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsEvidence;
import dev.detour.watch.Families;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which of a name's addresses a round probes, per family. */
class AddressChoiceTest {

  private static DnsAnswers answers(String... addresses) {
    return new DnsAnswers(
        List.of(
            new DnsEvidence(
                "example.org",
                "A",
                "198.51.100.53",
                "NOERROR",
                List.of(addresses),
                List.of(),
                List.of(),
                3,
                null)));
  }

  @Test
  void bothFamiliesAreProbedEvenWhenIpv4AloneWouldFillTheRound() {
    DnsAnswers both =
        answers(
            "203.0.113.1",
            "203.0.113.2",
            "203.0.113.3",
            "203.0.113.4",
            "2001:db8::1",
            "2001:db8::2");
    assertThat(WatchRound.addresses(both, both, Families.BOTH, 4))
        .containsExactly("203.0.113.1", "203.0.113.2", "203.0.113.3", "2001:db8::1");
    assertThat(WatchRound.addresses(both, both, Families.BOTH, 2))
        .containsExactly("203.0.113.1", "2001:db8::1");
  }

  @Test
  void oneFamilyOnlyWhenTheGroupSaysSo() {
    DnsAnswers both = answers("203.0.113.1", "2001:db8::1", "2001:db8::2");
    assertThat(WatchRound.addresses(both, both, Families.V6, 4))
        .containsExactly("2001:db8::1", "2001:db8::2");
    assertThat(WatchRound.addresses(both, both, Families.V4, 4)).containsExactly("203.0.113.1");
    assertThat(WatchRound.addresses(both, null, Families.BOTH, 1)).containsExactly("203.0.113.1");
  }

  @Test
  void theAddressOnlyThisHostsResolverGivesStaysAmongThem() {
    DnsAnswers control = answers("203.0.113.1", "203.0.113.2", "203.0.113.3", "2001:db8::1");
    DnsAnswers here = answers("198.51.100.99");
    assertThat(WatchRound.addresses(here, control, Families.BOTH, 3))
        .containsExactly("203.0.113.1", "2001:db8::1", "198.51.100.99");
  }
}
