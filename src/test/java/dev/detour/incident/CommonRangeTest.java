package dev.detour.incident;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The range a mass block's watches share, or none when they share nothing worth naming. */
class CommonRangeTest {

  @Test
  void namesTheSmallestPrefixThatHoldsEveryTarget() {
    assertThat(CommonRange.of(List.of("149.154.167.99", "149.154.175.50")))
        .isEqualTo("149.154.160.0/20");
    assertThat(CommonRange.of(List.of("149.154.164.0/22", "149.154.167.1")))
        .isEqualTo("149.154.164.0/22");
    assertThat(CommonRange.of(List.of("91.108.56.0/22", "91.108.4.0/22")))
        .isEqualTo("91.108.0.0/18");
    assertThat(CommonRange.of(List.of("2001:db8:1::1", "2001:db8:2::1")))
        .isEqualTo("2001:db8::/46");
  }

  @Test
  void namesNoneForNamesMixedFamiliesOrHalfTheInternet() {
    assertThat(CommonRange.of(List.of("telegram.org", "149.154.167.99"))).isNull();
    assertThat(CommonRange.of(List.of("149.154.167.99", "2001:db8::1"))).isNull();
    assertThat(CommonRange.of(List.of("1.1.1.1", "200.1.1.1"))).isNull();
    assertThat(CommonRange.of(List.of())).isNull();
    assertThat(CommonRange.of(Arrays.asList((String) null))).isNull();
  }
}
