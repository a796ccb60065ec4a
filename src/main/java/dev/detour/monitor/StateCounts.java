package dev.detour.monitor;

import dev.detour.verdict.WatchState;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * How many watches of each group are in each state. Counted in plain arrays, and counted again only
 * when a state has moved ({@link WatchRuntime#SHOWN}): the overview page and its live updates ask
 * often, and at 100,000 watches a count was a tenth of the CPU.
 */
final class StateCounts {

  /** Counts of every watch by group and state, as of {@link WatchRuntime#SHOWN}'s value. */
  private record Counted(
      long shown, Map<String, Map<WatchState, Long>> byGroup, Map<WatchState, Long> total) {}

  private final Supplier<Collection<WatchRuntime>> runtimes;
  private volatile Counted counted = new Counted(-1, Map.of(), Map.of());

  StateCounts(Supplier<Collection<WatchRuntime>> runtimes) {
    this.runtimes = runtimes;
  }

  /** Per group, the watches in each state (states no watch of the group is in left out). */
  Map<String, Map<WatchState, Long>> byGroup() {
    return current().byGroup();
  }

  /** Every watch by state, each state present. */
  Map<WatchState, Long> total() {
    return current().total();
  }

  private Counted current() {
    long shown = WatchRuntime.SHOWN.get();
    Counted known = counted;
    if (known.shown() == shown) {
      return known;
    }
    Map<String, long[]> counts = new HashMap<>();
    long[] total = new long[WatchState.values().length];
    for (WatchRuntime rt : runtimes.get()) {
      int state = rt.state().ordinal();
      total[state]++;
      String group = rt.group;
      if (group != null) {
        counts.computeIfAbsent(group, g -> new long[WatchState.values().length])[state]++;
      }
    }
    Map<String, Map<WatchState, Long>> all = new TreeMap<>();
    counts.forEach((group, n) -> all.put(group, states(n, false)));
    Counted made = new Counted(shown, Collections.unmodifiableMap(all), states(total, true));
    counted = made;
    return made;
  }

  /** Counts by state; with {@code zeros}, states no watch is in too. */
  private static Map<WatchState, Long> states(long[] n, boolean zeros) {
    Map<WatchState, Long> states = new EnumMap<>(WatchState.class);
    for (WatchState s : WatchState.values()) {
      if (zeros || n[s.ordinal()] > 0) {
        states.put(s, n[s.ordinal()]);
      }
    }
    return states;
  }
}
