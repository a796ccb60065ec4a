package dev.detour.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.detour.verdict.WatchState;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bytes of a watch's history: what goes in comes out, to the documented precision and size. */
class HistoryCodecTest {

  static final long HOUR = 1_796_000_400L / 3600 * 3600; // 2026-11-29 …:00:00 UTC

  @Test
  void delaysComeBackWithinOnePartIn2048AndNoneStaysNone() {
    Random random = new Random(7);
    for (int i = 0; i < 100_000; i++) {
      double ms = Math.exp(random.nextDouble() * Math.log(60_000.0)) - 1; // 0 ms … 60 s
      long us = Math.round(ms * 1000);
      long back = HistoryCodec.micros(HistoryCodec.delay(ms));
      assertThat((double) back).as("%s µs", us).isCloseTo(us, within(Math.max(0.5, us / 2048.0)));
    }
    assertThat(HistoryCodec.micros(HistoryCodec.delay(0.137))).isEqualTo(137);
    assertThat(HistoryCodec.delay(null)).isEqualTo(0x7fff);
    assertThat(HistoryCodec.delay(Double.NaN)).isEqualTo(0x7fff);
    // Beyond the 67 s the format holds: the largest delay it can say, never "none".
    assertThat(HistoryCodec.delay(3_600_000.0)).isEqualTo(0x7ffe);
  }

  @Test
  void anHoursRoundsComeBackAsTheyWentInAndTheNextHourSealsThem() {
    RoundBuffer buffer = new RoundBuffer();
    assertThat(buffer.latestSeconds(true)).isNaN();
    for (int i = 0; i < 60; i++) {
      WatchState state = i == 30 ? WatchState.BLOCKED : WatchState.UP;
      Chunk sealed =
          buffer.record(9, HOUR + i * 60L, state, i == 30, 12.5 + i, i % 2 == 0 ? 40.0 : null);
      assertThat(sealed).as("round %d stays in the hour", i).isNull();
    }
    List<Stretch> held = buffer.rounds();
    assertThat(held).hasSize(60);
    assertThat(held.get(0)).isEqualTo(Stretch.round(HOUR, WatchState.UP, false, 12.5, 40.0));
    assertThat(held.get(1).controlMillis()).isNull();
    Stretch forged = held.get(30);
    assertThat(forged.blocked()).isEqualTo(1);
    assertThat(forged.forged()).isEqualTo(1);
    assertThat(forged.localMillis()).as("the censor's answer is not latency").isNull();
    assertThat(forged.controlMillis()).isEqualTo(40.0);

    Chunk chunk = buffer.record(9, HOUR + 3600, WatchState.DOWN, false, null, null);
    assertThat(chunk.watchId()).isEqualTo(9);
    assertThat(chunk.tier()).isEqualTo(Chunk.ROUNDS);
    assertThat(chunk.startAt()).isEqualTo(HOUR);
    assertThat(HistoryStore.decode(Chunk.ROUNDS, chunk.startAt(), chunk.data())).isEqualTo(held);
    assertThat(buffer.rounds()).extracting(Stretch::down).containsExactly(1);
    assertThat(buffer.latestSeconds(true)).isNaN();
    assertThat(buffer.sealBefore(9, HOUR + 3600)).isNull();
    assertThat(buffer.sealBefore(9, HOUR + 7200).startAt()).isEqualTo(HOUR + 3600);
    assertThat(buffer.rounds()).isEmpty();
  }

  /**
   * What a day costs: a round a minute with both delays, deflated, and the same day as buckets —
   * the figures docs/ui.md gives as bytes per watch.
   */
  @Test
  void aDayOfRoundsAndItsBucketsStayCompact() {
    Random random = new Random(3);
    RoundBuffer buffer = new RoundBuffer();
    List<Chunk> chunks = new ArrayList<>();
    List<Stretch> all = new ArrayList<>();
    long day = HOUR / 86_400 * 86_400;
    for (int i = 0; i <= 1440; i++) {
      WatchState state = i >= 600 && i < 610 ? WatchState.BLOCKED : WatchState.UP;
      Chunk c =
          buffer.record(
              1,
              day + i * 60L + random.nextInt(3),
              state,
              false,
              20 + random.nextGaussian() * 3,
              45 + random.nextGaussian() * 5);
      if (c != null) {
        chunks.add(c);
        all.addAll(HistoryStore.decode(c.tier(), c.startAt(), c.data()));
      }
    }
    assertThat(chunks).hasSize(24);
    assertThat(all).hasSize(1440);
    long roundBytes = chunks.stream().mapToLong(c -> c.data().length).sum();
    assertThat(roundBytes).as("a day of rounds, deflated").isLessThan(1440 * 6);

    byte[] buckets = HistoryCodec.buckets(day, all);
    List<Stretch> read = HistoryCodec.readBuckets(day, buckets);
    assertThat(read).hasSize(288);
    assertThat(read.stream().mapToInt(Stretch::rounds).sum()).isEqualTo(1440);
    assertThat(read.stream().mapToInt(Stretch::blocked).sum()).isEqualTo(10);
    assertThat(read.get(120).from()).isEqualTo(day + 120 * 300);
    assertThat(read.get(120).blocked()).isEqualTo(5);
    assertThat(read.get(0).localMillis()).isBetween(10.0, 30.0);
    assertThat(buckets.length).as("a day of buckets").isLessThan(288 * 11);
    System.out.printf(
        "history bytes per watch (a round a minute): a day of rounds %d, a day of buckets %d%n",
        roundBytes, buckets.length);

    // Folding again what was folded (a late chunk of the same day) keeps every count.
    List<Stretch> again = new ArrayList<>(read);
    again.add(Stretch.round(day + 86_000, WatchState.DOWN, false, null, null));
    List<Stretch> twice = HistoryCodec.readBuckets(day, HistoryCodec.buckets(day, again));
    assertThat(twice.stream().mapToInt(Stretch::rounds).sum()).isEqualTo(1441);
    assertThat(twice.get(286).down()).isEqualTo(1);
  }

  @Test
  void aPauseIsNoDataNotTheStateBeforeIt() {
    List<Stretch> rounds = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      rounds.add(Stretch.round(HOUR + i * 60L, WatchState.UP, false, 10.0, null));
    }
    // Disabled for an hour, then one round.
    rounds.add(Stretch.round(HOUR + 9 * 60L + 3600, WatchState.BLOCKED, false, null, null));
    List<Stretch> joined =
        Histories.joined(rounds.subList(0, 5), rounds.subList(5, 11), HOUR + 9 * 60L + 3630);
    assertThat(joined).hasSize(11);
    assertThat(joined.get(0).to()).isEqualTo(HOUR + 60);
    assertThat(joined.get(9).to()).as("the last round before the pause").isEqualTo(HOUR + 10 * 60L);
    assertThat(joined.get(10).to())
        .as("the latest round lasts until now")
        .isEqualTo(HOUR + 9 * 60L + 3630);
  }
}
