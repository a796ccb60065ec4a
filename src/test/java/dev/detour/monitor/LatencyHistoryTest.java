package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.detour.state.LatencySample;
import dev.detour.verdict.WatchState;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The packed history of first-answer delays: what goes in comes out, to the documented precision.
 */
class LatencyHistoryTest {

  @Test
  void delaysComeBackWithinOnePartIn2048AndNoneStaysNone() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      double ms = Math.exp(random.nextDouble() * Math.log(60_000.0)) - 1; // 0 ms … 60 s
      long us = Math.round(ms * 1000);
      long back = LatencyHistory.micros(LatencyHistory.delay(ms));
      assertThat((double) back).as("%s µs", us).isCloseTo(us, within(Math.max(0.5, us / 2048.0)));
    }
    assertThat(LatencyHistory.micros(LatencyHistory.delay(0.137))).isEqualTo(137);
    assertThat(LatencyHistory.delay(null)).isEqualTo(0x7fff);
    assertThat(LatencyHistory.delay(Double.NaN)).isEqualTo(0x7fff);
    // Beyond the 67 s the format holds: the largest delay it can say, never "none".
    assertThat(LatencyHistory.delay(3_600_000.0)).isEqualTo(0x7ffe);
  }

  @Test
  void keepsTheLastRoundsInOrderWithTheirStates() {
    LatencyHistory h = new LatencyHistory();
    assertThat(h.latestSeconds(true)).isNaN();
    Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    int rounds = LatencyHistory.SIZE + 10;
    for (int i = 0; i < rounds; i++) {
      h.record(
          t0.plusSeconds(60L * i),
          i % 3 == 0 ? null : 0.25 + i,
          i % 2 == 0 ? 40.0 + i : null,
          WatchState.values()[i % 4]);
    }
    List<LatencySample> s = h.samples();
    assertThat(s).hasSize(LatencyHistory.SIZE);
    LatencySample first = s.get(0);
    assertThat(first.at()).isEqualTo(t0.plusSeconds(600));
    assertThat(first.localMillis()).isCloseTo(10.25, within(0.01));
    assertThat(first.controlMillis()).isCloseTo(50.0, within(0.03));
    assertThat(first.state()).isEqualTo(WatchState.BLOCKED);
    LatencySample last = s.get(s.size() - 1);
    int i = rounds - 1; // 99: local null (99 % 3 == 0), control null (odd)
    assertThat(last.at()).isEqualTo(t0.plusSeconds(60L * i));
    assertThat(last.localMillis()).isNull();
    assertThat(last.controlMillis()).isNull();
    assertThat(last.state()).isEqualTo(WatchState.UNKNOWN);
    assertThat(h.latestSeconds(true)).isNaN();
    h.record(t0.plusSeconds(60L * rounds), 12.5, null, WatchState.UP);
    assertThat(h.latestSeconds(true)).isCloseTo(0.0125, within(1e-5));
  }

  @Test
  void irregularGapsKeepTheirTimesAndANineHourGapStartsAfresh() {
    LatencyHistory h = new LatencyHistory();
    Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    h.record(t0, 1.0, null, WatchState.UP);
    h.record(t0.plusSeconds(7), 2.0, null, WatchState.UP);
    // The control vantage answers from the third round on: the rounds before show none.
    h.record(t0.plusSeconds(3_607), 3.0, 30.0, WatchState.BLOCKED);
    List<LatencySample> s = h.samples();
    assertThat(s)
        .extracting(LatencySample::at)
        .containsExactly(t0, t0.plusSeconds(7), t0.plusSeconds(3_607));
    assertThat(s).extracting(LatencySample::controlMillis).containsExactly(null, null, 30.0);
    assertThat(s.get(2).state()).isEqualTo(WatchState.BLOCKED);
    // A clock that steps back does not reorder the chart.
    h.record(t0.plusSeconds(3_600), 4.0, null, WatchState.UP);
    assertThat(h.samples().get(3).at()).isEqualTo(t0.plusSeconds(3_607));
    Instant later = t0.plusSeconds(3_607 + 32_768);
    h.record(later, 5.0, null, WatchState.UP);
    assertThat(h.samples())
        .singleElement()
        .satisfies(
            one -> {
              assertThat(one.at()).isEqualTo(later);
              assertThat(one.localMillis()).isCloseTo(5.0, within(0.01));
            });
  }
}
