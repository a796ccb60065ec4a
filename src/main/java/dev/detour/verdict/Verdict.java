package dev.detour.verdict;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.ArrayList;
import java.util.List;

/**
 * What one round's evidence says about a target.
 *
 * @param method the block's method when {@code state} is blocked, else null
 * @param confidence 0..1: how sure the evidence is (a signature confirmed by the control vantage is
 *     surer than a signature alone, or than a timeout compared with the control)
 * @param reasons the evidence in words, the way the seed's author read tcpdump
 * @param timeoutsOnly whether the verdict rests on timeouts alone (a lossy link can fake those, so
 *     the monitor probes again before counting it)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Verdict(
    WatchState state,
    BlockMethod method,
    double confidence,
    List<String> reasons,
    boolean timeoutsOnly) {

  public static Verdict up(List<String> reasons) {
    return new Verdict(WatchState.UP, null, 0.9, List.copyOf(reasons), false);
  }

  public static Verdict down(List<String> reasons) {
    return new Verdict(WatchState.DOWN, null, 0.8, List.copyOf(reasons), true);
  }

  public static Verdict unknown(String reason) {
    return new Verdict(WatchState.UNKNOWN, null, 0, List.of(reason), false);
  }

  public static Verdict blocked(
      BlockMethod method, double confidence, List<String> reasons, boolean timeoutsOnly) {
    return new Verdict(WatchState.BLOCKED, method, confidence, List.copyOf(reasons), timeoutsOnly);
  }

  /** Whether two verdicts say the same thing (state, and method when blocked). */
  public boolean sameAs(Verdict other) {
    return other != null && state == other.state && method == other.method;
  }

  /** This verdict with a reason added at the end. */
  public Verdict because(String reason) {
    List<String> all = new ArrayList<>(reasons);
    all.add(reason);
    return new Verdict(state, method, confidence, List.copyOf(all), timeoutsOnly);
  }
}
