package dev.detour.history;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.IntStream;

/** A watch's history read whole: the stored part and the part its node still holds. */
public final class Histories {

  private Histories() {}

  /**
   * Stored and unstored stretches as one history, oldest first, each round ending where the next
   * began — or, after a pause of over three usual gaps (the watch was disabled, Detour stopped),
   * one usual gap after it began: a pause is no data, not the state before it.
   */
  public static List<Stretch> joined(List<Stretch> stored, List<Stretch> unstored, long now) {
    TreeMap<Long, Stretch> byStart = new TreeMap<>();
    stored.forEach(s -> byStart.put(s.from(), s));
    unstored.forEach(s -> byStart.put(s.from(), s));
    List<Stretch> all = new ArrayList<>(byStart.values());
    long usual = usualGap(all);
    List<Stretch> out = new ArrayList<>(all.size());
    for (int i = 0; i < all.size(); i++) {
      Stretch s = all.get(i);
      if (s.to() > s.from()) {
        out.add(s);
        continue;
      }
      long next = i + 1 < all.size() ? all.get(i + 1).from() : now;
      out.add(s.until(next - s.from() > 3 * usual ? s.from() + usual : Math.max(next, s.from())));
    }
    return out;
  }

  /** The median gap between consecutive rounds; a minute when there are too few to say. */
  public static long usualGap(List<Stretch> all) {
    long[] gaps =
        IntStream.range(1, all.size())
            .filter(i -> all.get(i).to() == all.get(i).from())
            .mapToLong(i -> all.get(i).from() - all.get(i - 1).from())
            .filter(g -> g > 0)
            .sorted()
            .toArray();
    return gaps.length == 0 ? 60 : gaps[gaps.length / 2];
  }
}
