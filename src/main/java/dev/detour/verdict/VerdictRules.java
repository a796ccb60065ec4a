package dev.detour.verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Every verdict rule there is: each probe package that can tell a block names its rule in {@code
 * META-INF/services/dev.detour.verdict.VerdictRule} — the one registration a new kind of probe
 * needs. Rules are pure functions of evidence, so they are plain classes, loaded once.
 */
public final class VerdictRules {

  private static volatile List<VerdictRule> all;

  private VerdictRules() {}

  /** Every rule, in their up-reasons' order. */
  public static List<VerdictRule> all() {
    List<VerdictRule> known = all;
    if (known == null) {
      synchronized (VerdictRules.class) {
        known = all;
        if (known == null) {
          List<VerdictRule> found = new ArrayList<>();
          ServiceLoader.load(VerdictRule.class, VerdictRule.class.getClassLoader())
              .forEach(found::add);
          found.sort(Comparator.comparingInt(VerdictRule::order));
          known = List.copyOf(found);
          all = known;
        }
      }
    }
    return known;
  }
}
