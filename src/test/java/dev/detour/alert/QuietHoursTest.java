package dev.detour.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.alert.channel.AlertKind;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class QuietHoursTest {

  private static final ZoneId MOSCOW = ZoneId.of("Europe/Moscow");

  @Test
  void overnightHoursHoldUntilTheMorningInTheirZone() {
    QuietHours q = QuietHours.parse("23:00-07:30", MOSCOW);
    // 23:30 Moscow is 20:30 UTC: held until 07:30 Moscow, 04:30 UTC the next day.
    assertThat(q.releaseAt(Instant.parse("2026-12-01T20:30:00Z")))
        .isEqualTo(Instant.parse("2026-12-02T04:30:00Z"));
    // 03:00 Moscow: until 07:30 the same day.
    assertThat(q.releaseAt(Instant.parse("2026-12-02T00:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-02T04:30:00Z"));
    // 07:30 sharp and midday: not quiet.
    assertThat(q.releaseAt(Instant.parse("2026-12-02T04:30:00Z"))).isNull();
    assertThat(q.releaseAt(Instant.parse("2026-12-02T09:00:00Z"))).isNull();
  }

  @Test
  void daytimeHours() {
    QuietHours q = QuietHours.parse("09:00 - 18:00", ZoneId.of("UTC"));
    assertThat(q.releaseAt(Instant.parse("2026-12-02T08:59:59Z"))).isNull();
    assertThat(q.releaseAt(Instant.parse("2026-12-02T09:00:00Z")))
        .isEqualTo(Instant.parse("2026-12-02T18:00:00Z"));
    assertThat(q.releaseAt(Instant.parse("2026-12-02T18:00:00Z"))).isNull();
  }

  @Test
  void badRangesSayWhatIsWrong() {
    assertThatThrownBy(() -> QuietHours.parse("23:00", MOSCOW))
        .hasMessageContaining("e.g. 23:00-07:30");
    assertThatThrownBy(() -> QuietHours.parse("11pm-7am", MOSCOW))
        .hasMessageContaining("24-hour clock");
    assertThatThrownBy(() -> QuietHours.parse("07:00-07:00", MOSCOW)).hasMessageContaining("empty");
  }

  @Test
  void kindsNameTheirProblem() {
    assertThat(AlertKind.CLEARED.alertName()).isEqualTo("DetourBlocked");
    assertThat(AlertKind.TUNNEL_UP.alertName()).isEqualTo("DetourTunnelDown");
    assertThat(AlertKind.parse("mass-block")).isEqualTo(AlertKind.MASS_BLOCK);
  }
}
