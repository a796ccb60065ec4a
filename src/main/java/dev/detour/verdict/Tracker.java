package dev.detour.verdict;

import java.time.Instant;

/**
 * Hysteresis: a watch's believed state and the run of rounds that disagree with it. A single bad
 * round never changes state: it takes {@code blockAfter} rounds in a row to go down or blocked (or,
 * all with the new method, to change a block's method), and {@code clearAfter} good rounds to come
 * back up. From {@code unknown} (never probed) one good round is enough.
 *
 * @param pending the verdict the last rounds agree on that differs from the state, or null
 * @param pendingRounds how many rounds in a row said {@code pending}
 * @param pendingSince when the first of those rounds started: the first bad probe
 */
public record Tracker(
    WatchState state,
    BlockMethod method,
    Instant since,
    Verdict pending,
    int pendingRounds,
    Instant pendingSince) {

  public static Tracker unknown(Instant now) {
    return new Tracker(WatchState.UNKNOWN, null, now, null, 0, null);
  }

  /** A change of state this round caused: from what, to what, and since when it was pending. */
  public record Transition(
      WatchState from, BlockMethod fromMethod, Verdict to, Instant firstBadAt, int rounds) {}

  /** The tracker after a round, and the transition it caused (or null). */
  public record Step(Tracker tracker, Transition transition) {}

  public Step step(Verdict verdict, Instant now, int blockAfter, int clearAfter) {
    if (verdict.state() == WatchState.UNKNOWN) {
      // A round that says nothing neither confirms nor breaks a run.
      return new Step(this, null);
    }
    if (verdict.state() == state && java.util.Objects.equals(verdict.method(), method)) {
      return new Step(new Tracker(state, method, since, null, 0, null), null);
    }
    // Entering a state counts rounds of that state (a block seen as a reset one round and as a
    // black hole the next is still a block, named by the latest); changing a block's method while
    // blocked needs the rounds to agree on the new one.
    boolean continues =
        pending != null
            && pending.state() == verdict.state()
            && (state != WatchState.BLOCKED
                || java.util.Objects.equals(pending.method(), verdict.method()));
    int rounds = continues ? pendingRounds + 1 : 1;
    Instant first = continues ? pendingSince : now;
    if (rounds >= needed(verdict.state(), blockAfter, clearAfter)) {
      Transition t = new Transition(state, method, verdict, first, rounds);
      return new Step(new Tracker(verdict.state(), verdict.method(), now, null, 0, null), t);
    }
    return new Step(new Tracker(state, method, since, verdict, rounds, first), null);
  }

  private int needed(WatchState to, int blockAfter, int clearAfter) {
    if (to == WatchState.UP) {
      return state == WatchState.UNKNOWN ? 1 : clearAfter;
    }
    return blockAfter;
  }
}
