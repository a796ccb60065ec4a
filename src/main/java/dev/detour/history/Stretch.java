package dev.detour.history;

import dev.detour.verdict.WatchState;

/**
 * A stretch of a watch's history: one round (its time in {@code from}, {@code to} where the next
 * began) or, older than a day, five minutes of rounds counted by state. Counts are of rounds; the
 * delays are the round's first answer here and through the control vantage in ms (a bucket's
 * median), null when nothing answered — or, here, when the answer was the censor's ({@code forged}:
 * a blocked round that was answered, by an injected reset, a block page, a forged DNS answer): that
 * is not latency.
 */
public record Stretch(
    long from,
    long to,
    int up,
    int down,
    int blocked,
    int unknown,
    int forged,
    Double localMillis,
    Double controlMillis) {

  /** One round at {@code second}, its end not known yet. */
  public static Stretch round(
      long second, WatchState state, boolean forged, Double local, Double control) {
    return new Stretch(
        second,
        second,
        state == WatchState.UP ? 1 : 0,
        state == WatchState.DOWN ? 1 : 0,
        state == WatchState.BLOCKED ? 1 : 0,
        state == WatchState.UNKNOWN ? 1 : 0,
        forged ? 1 : 0,
        forged ? null : local,
        control);
  }

  public int rounds() {
    return up + down + blocked + unknown;
  }

  /** The worst state of its rounds: blocked over down over up; unknown when only unknown. */
  public WatchState state() {
    if (blocked > 0) {
      return WatchState.BLOCKED;
    }
    if (down > 0) {
      return WatchState.DOWN;
    }
    return up > 0 ? WatchState.UP : WatchState.UNKNOWN;
  }

  /** The same with another end. */
  public Stretch until(long end) {
    return new Stretch(from, end, up, down, blocked, unknown, forged, localMillis, controlMillis);
  }
}
