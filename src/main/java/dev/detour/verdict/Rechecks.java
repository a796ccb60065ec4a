package dev.detour.verdict;

import dev.detour.probe.ProbeKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * When a watch is looked at again before its next round: a second look within the round at what
 * timed out, before the round that would declare a block resting on timeouts alone (a lossy link
 * can fake those); and a recheck soon after a round that disagrees with the watch's state, so a
 * change is confirmed in seconds rather than intervals.
 */
public final class Rechecks {

  private Rechecks() {}

  /**
   * Whether a round with this verdict would complete the rounds a change takes, by the tracker's
   * own rule tried on a copy. A first look at a block, or a block already declared (a change of
   * method), counts as deciding.
   *
   * @param tracker the watch's (or a prefix block's) tracker, or null for a first look
   */
  public static boolean deciding(Tracker tracker, Verdict verdict, int blockAfter, int clearAfter) {
    if (tracker == null || tracker.state() == verdict.state()) {
      return true;
    }
    return tracker.step(verdict, Instant.now(), blockAfter, clearAfter).transition() != null;
  }

  /**
   * What to look at once more before this verdict counts: the probes it rests on that ran, when it
   * is a block resting on timeouts alone; empty otherwise.
   */
  public static Set<ProbeKind> secondLook(Verdict verdict, Set<ProbeKind> ran) {
    if (verdict.state() != WatchState.BLOCKED || !verdict.timeoutsOnly()) {
      return Set.of();
    }
    Set<ProbeKind> again = new TreeSet<>(verdict.method().restsOn());
    again.retainAll(ran);
    return again;
  }

  /**
   * Whether a watch whose latest round disagrees with its state is probed again {@code after} from
   * now rather than at the next round: as long as it keeps disagreeing, at most as many times as a
   * change takes rounds, so a flapping watch cannot keep itself probed.
   *
   * @param done rechecks made since its last scheduled round
   */
  public static boolean recheck(
      Duration after,
      Duration interval,
      Tracker tracker,
      boolean offline,
      int done,
      int blockAfter,
      int clearAfter) {
    int most = Math.max(blockAfter, clearAfter) - 1;
    return !after.isZero()
        && !after.isNegative()
        && after.compareTo(interval) < 0
        && tracker.pending() != null
        && !offline
        && done < most;
  }
}
