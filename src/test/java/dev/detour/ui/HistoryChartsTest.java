package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.history.Histories;
import dev.detour.history.Stretch;
import dev.detour.verdict.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pictures of a watch's history tell what happened, when, and nothing before it existed. */
class HistoryChartsTest {

  final Instant now = Instant.parse("2026-12-07T12:00:00Z");

  /** A watch made 3 minutes ago: up, blocked for a minute, up again (a round every 20 s). */
  List<Stretch> threeMinutes() {
    List<Stretch> rounds = new ArrayList<>();
    long start = now.getEpochSecond() - 180;
    for (int i = 0; i < 9; i++) {
      boolean blocked = i >= 3 && i < 6;
      rounds.add(
          Stretch.round(
              start + i * 20L,
              blocked ? WatchState.BLOCKED : WatchState.UP,
              blocked,
              blocked ? 0.3 : 15.0,
              16.0));
    }
    return Histories.joined(rounds, List.of(), now.getEpochSecond());
  }

  @Test
  void theWeekOfAThreeMinuteOldWatchStartsAtItsCreationAndShowsItsOneMinuteBlock() {
    HistoryCharts.Strip week =
        HistoryCharts.strip(
            "Last 7 days", threeMinutes(), now.minusSeconds(180), now, Duration.ofDays(7));
    assertThat(week.segments())
        .extracting(HistoryCharts.Segment::state)
        .containsExactly("none", "up", "blocked", "up");
    HistoryCharts.Segment before = week.segments().get(0);
    assertThat(before.title()).startsWith("not watched yet: added 2026-12-07 11:57:00 UTC");
    assertThat(before.x() + before.width()).isBetween(99.9, 100.0);
    HistoryCharts.Segment block = week.segments().get(2);
    assertThat(block.title())
        .isEqualTo("blocked from 2026-12-07 11:58:00 UTC for 1 min (3 rounds)");
    for (HistoryCharts.Segment s : week.segments()) {
      assertThat(s.x() + s.width()).as("inside the viewBox: %s", s).isLessThanOrEqualTo(100.3);
    }
    assertThat(week.up()).isEqualTo("66.7");
    assertThat(week.blocked()).isEqualTo("33.3");
    assertThat(week.down()).isEqualTo("0.0");
    assertThat(week.rounds()).isEqualTo(9);

    HistoryCharts.Strip day =
        HistoryCharts.strip(
            "Last 24 hours", threeMinutes(), now.minusSeconds(180), now, Duration.ofDays(1));
    assertThat(day.segments().get(2).width())
        .as("a minute of a day, at least visible")
        .isEqualTo(0.3);
  }

  @Test
  void aWatchWithNoRoundsSaysSoRatherThanUp() {
    HistoryCharts.Strip empty =
        HistoryCharts.strip(
            "Last 24 hours", List.of(), now.minusSeconds(60), now, Duration.ofDays(1));
    assertThat(empty.rounds()).isZero();
    assertThat(empty.up()).isNull();
    assertThat(empty.segments()).extracting(HistoryCharts.Segment::state).containsExactly("none");
  }

  @Test
  void roundsTheCensorAnsweredAreMarkedNotDrawnAsLatency() {
    HistoryCharts.Latency l = HistoryCharts.latency(threeMinutes(), now.getEpochSecond());
    assertThat(l.rounds()).isEqualTo(9);
    assertThat(l.forgedRounds()).isEqualTo(3);
    assertThat(l.forged()).hasSize(3);
    // Three rounds up (15 ms), a gap for the forged three, three up again: two runs of the line.
    assertThat(l.local().split("M")).hasSize(3);
    assertThat(l.local()).doesNotContain(" 119.");
    assertThat(l.yTicks())
        .extracting(HistoryCharts.Tick::label)
        .containsExactly("0", "10 ms", "20 ms");
    assertThat(l.xTicks()).hasSize(5);
    assertThat(l.xTicks().get(0).label()).isEqualTo("11:57:00");
    assertThat(l.columns()).isNotEmpty();
    assertThat(l.columns())
        .anySatisfy(
            c -> assertThat(c.title()).contains("blocked · answered by the censor, not latency"));
  }

  @Test
  void heartbeatsAreTheLastRoundsOldestFirstWithTheDaysShares() {
    HistoryCharts.Pulse p = HistoryCharts.pulse(threeMinutes());
    assertThat(p.beats()).hasSize(9);
    assertThat(p.beats().get(3).state()).isEqualTo("blocked");
    assertThat(p.beats().get(0).title())
        .isEqualTo("2026-12-07 11:57:00 UTC · up · here 15 ms · control 16 ms");
    assertThat(p.up()).isEqualTo("66.7");
    assertThat(HistoryCharts.pulse(null).beats()).isEmpty();
    assertThat(HistoryCharts.share(1, 1440)).isEqualTo("0.07");
  }

  @Test
  void theOverviewChartDrawsBlockedAndDownOnOneScale() {
    long start = now.getEpochSecond() - 7 * 86_400;
    List<long[]> points = new ArrayList<>();
    points.add(new long[] {start, 0, 2});
    points.add(new long[] {now.getEpochSecond(), 37, 2});
    HistoryCharts.Tallies t = HistoryCharts.tallies(points, start, now.getEpochSecond());
    assertThat(t.max()).isEqualTo(50);
    assertThat(t.blocked()).isEqualTo("M0.0 120.0 L600.0 31.2");
    assertThat(t.down()).isEqualTo("M0.0 115.2 L600.0 115.2");
    assertThat(t.xTicks()).hasSize(8);
  }
}
