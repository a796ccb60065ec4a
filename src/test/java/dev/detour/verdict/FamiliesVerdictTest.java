package dev.detour.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A dual-stack name blocked on one family only says which. */
class FamiliesVerdictTest {

  private static final Verdict UP = Verdict.up(List.of("answers"));
  private static final Verdict RST =
      Verdict.blocked(BlockMethod.of("tcp_rst_injected"), 0.9, List.of("forged RST"), false);

  @Test
  void aBlockOnIpv4OnlyIsNamedWithItsAddressesAndTheFamilyThatWorks() {
    List<String> addresses = List.of("203.0.113.5", "203.0.113.6", "2001:db8::5");
    List<Verdict> verdicts = List.of(RST, RST, UP);
    Verdict v = HostVerdicts.combine(null, verdicts);
    assertThat(v.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(HostVerdicts.families(addresses, verdicts))
        .isEqualTo(
            "IPv4 blocked (tcp_rst_injected: 203.0.113.5, 203.0.113.6); IPv6 up (2001:db8::5)");
  }

  @Test
  void aBlockOnIpv6OnlyIsNamedToo() {
    assertThat(
            HostVerdicts.families(
                List.of("203.0.113.5", "2001:db8::5", "2001:db8::6"), List.of(UP, UP, RST)))
        .isEqualTo("IPv4 up (203.0.113.5); IPv6 blocked (tcp_rst_injected: 2001:db8::6)");
  }

  @Test
  void familiesThatFareAlikeOrAreAloneSayNothing() {
    assertThat(HostVerdicts.families(List.of("203.0.113.5", "2001:db8::5"), List.of(RST, RST)))
        .isNull();
    assertThat(HostVerdicts.families(List.of("203.0.113.5", "2001:db8::5"), List.of(UP, UP)))
        .isNull();
    assertThat(HostVerdicts.families(List.of("203.0.113.5", "203.0.113.6"), List.of(RST, UP)))
        .isNull();
  }
}
