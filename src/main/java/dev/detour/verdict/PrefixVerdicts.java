package dev.detour.verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * A prefix watch's verdict from its blocks' (each /24 sampled, each already through its own
 * hysteresis): blocked when any block is, by the method most blocks show; up when any answers; down
 * when none answers.
 */
public final class PrefixVerdicts {

  private PrefixVerdicts() {}

  public static Verdict of(List<Part> parts) {
    Map<WatchState, List<Part>> byState =
        parts.stream().collect(Collectors.groupingBy(Part::state));
    int total = parts.size();
    List<Part> blocked = byState.getOrDefault(WatchState.BLOCKED, List.of());
    if (!blocked.isEmpty()) {
      Map<BlockMethod, Long> counts =
          blocked.stream()
              .collect(Collectors.groupingBy(Part::method, TreeMap::new, Collectors.counting()));
      BlockMethod method =
          counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      List<String> reasons = new ArrayList<>();
      reasons.add(
          blocked.size()
              + " of "
              + total
              + " blocks probed are blocked ("
              + counts.entrySet().stream()
                  .map(e -> e.getValue() + " " + e.getKey().label())
                  .collect(Collectors.joining(", "))
              + ")");
      blocked.stream().limit(5).forEach(p -> reasons.add(p.part() + ": " + p.method().label()));
      return Verdict.blocked(method, 0.9, reasons, false);
    }
    int up = byState.getOrDefault(WatchState.UP, List.of()).size();
    if (up > 0) {
      return Verdict.up(List.of(up + " of " + total + " blocks probed answer"));
    }
    if (byState.getOrDefault(WatchState.DOWN, List.of()).size() == total && total > 0) {
      return Verdict.down(List.of("no address sampled in " + total + " blocks answers"));
    }
    return Verdict.unknown("not enough rounds yet");
  }

  /** The methods its blocked blocks show. */
  public static Set<BlockMethod> methods(List<Part> parts) {
    return parts.stream()
        .map(Part::method)
        .filter(m -> m != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
