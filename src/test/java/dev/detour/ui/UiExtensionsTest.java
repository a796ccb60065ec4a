package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UiExtensionsTest {

  @Test
  void aPlanTimeReadsLikeATimeNotLikeADouble() {
    assertThat(UiExtensions.planTime(0.336166)).isEqualTo("0.34 ms");
    assertThat(UiExtensions.planTime(9.994)).isEqualTo("9.99 ms");
    assertThat(UiExtensions.planTime(12.4)).isEqualTo("12 ms");
    assertThat(UiExtensions.planTime(1432)).isEqualTo("1.4 s");
  }

  @Test
  void aSpanIsSaidTheWayPeopleSayIt() {
    assertThat(UiExtensions.span(Duration.ofSeconds(45))).isEqualTo("45 s");
    assertThat(UiExtensions.span(Duration.ofMinutes(185))).isEqualTo("3 h 5 min");
    assertThat(UiExtensions.span(Duration.ofHours(52))).isEqualTo("2 d 4 h");
  }

  @Test
  void aMomentIsWrittenInUtcForTheBrowserToShowInItsZone() {
    assertThat(UiExtensions.when(java.time.Instant.parse("2026-12-07T18:24:14Z")).getValue())
        .isEqualTo(
            "<time datetime=\"2026-12-07T18:24:14Z\" title=\"2026-12-07 18:24:14 UTC\">"
                + "2026-12-07 18:24:14 UTC</time>");
    assertThat(UiExtensions.when(null).getValue()).isEqualTo("—");
  }
}
