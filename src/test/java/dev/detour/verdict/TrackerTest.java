package dev.detour.verdict;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.tcp.TcpRule;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hysteresis: a single bad round never changes state, a lossy link never flaps. */
class TrackerTest {

  static final Verdict UP = Verdict.up(List.of());
  static final Verdict RST = Verdict.blocked(TcpRule.TCP_RST_INJECTED, 0.95, List.of(), false);
  static final Verdict HOLE = Verdict.blocked(TcpRule.TCP_BLACKHOLE, 0.85, List.of(), true);
  static final Verdict DOWN = Verdict.down(List.of());
  static final Verdict UNKNOWN = Verdict.unknown("offline");

  Instant t = Instant.parse("2026-11-25T08:00:00Z");
  Tracker tracker = Tracker.unknown(t);

  Tracker.Transition round(Verdict v) {
    t = t.plusSeconds(60);
    Tracker.Step step = tracker.step(v, t, 3, 2);
    tracker = step.tracker();
    return step.transition();
  }

  @Test
  void oneGoodRoundMakesAnUnknownWatchUp() {
    Tracker.Transition first = round(UP);
    assertThat(first.from()).isEqualTo(WatchState.UNKNOWN);
    assertThat(tracker.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void threeBadRoundsInARowBlockAndTwoGoodOnesClear() {
    round(UP);
    Instant firstBad = t.plusSeconds(60);
    assertThat(round(RST)).isNull();
    assertThat(round(RST)).isNull();
    assertThat(tracker.pendingRounds()).isEqualTo(2);
    Tracker.Transition blocked = round(RST);
    assertThat(blocked.to().method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(blocked.firstBadAt()).isEqualTo(firstBad);
    assertThat(blocked.rounds()).isEqualTo(3);
    assertThat(round(UP)).isNull();
    assertThat(round(UP).to().state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aGoodRoundInBetweenStartsTheCountAgain() {
    round(UP);
    round(HOLE);
    round(HOLE);
    round(UP);
    round(HOLE);
    assertThat(round(HOLE)).isNull();
    assertThat(tracker.state()).isEqualTo(WatchState.UP);
  }

  @Test
  void aBlockSeenOneWayThenAnotherIsStillABlockNamedByTheLatest() {
    round(UP);
    round(HOLE);
    round(RST);
    Tracker.Transition blocked = round(HOLE);
    assertThat(blocked.to().method()).isEqualTo(TcpRule.TCP_BLACKHOLE);
    assertThat(blocked.rounds()).isEqualTo(3);
  }

  @Test
  void roundsThatSayNothingNeitherCountNorBreakARun() {
    round(UP);
    round(RST);
    round(UNKNOWN);
    round(RST);
    assertThat(round(RST)).isNotNull();
    assertThat(tracker.state()).isEqualTo(WatchState.BLOCKED);
  }

  @Test
  void aChangeOfMethodWhileBlockedTakesAsManyRounds() {
    round(UP);
    round(RST);
    round(RST);
    round(RST);
    round(HOLE);
    round(HOLE);
    assertThat(tracker.method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    Tracker.Transition changed = round(HOLE);
    assertThat(changed.fromMethod()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(tracker.method()).isEqualTo(TcpRule.TCP_BLACKHOLE);
  }

  @Test
  void goingDownTakesAsManyRoundsAsABlock() {
    round(UP);
    round(DOWN);
    round(DOWN);
    assertThat(tracker.state()).isEqualTo(WatchState.UP);
    round(DOWN);
    assertThat(tracker.state()).isEqualTo(WatchState.DOWN);
  }
}
