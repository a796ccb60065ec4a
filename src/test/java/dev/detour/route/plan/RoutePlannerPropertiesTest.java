package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The planner against two slow but plain references on random inputs: an exhaustive search of every
 * set of disjoint candidate routes in a /28 (with routes up to a /24 around it), and a textbook DP
 * over the whole binary tree of a /20, with no compression, hulls or caps.
 */
class RoutePlannerPropertiesTest {

  private static final long UNCOVERED = 1L << 33; // the checks' cost of an uncovered address

  @Property(tries = 1000)
  void matchesExhaustiveSearch(@ForAll("tiny") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    long cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(exhaustive(in, check));
  }

  @Property(tries = 500)
  void matchesTextbookDp(@ForAll("small") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    long cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(textbook(in, check, 0, 0)[in.maxRoutes()]);
  }

  @Property(tries = 200)
  void coversEverythingWithoutCollateralWhenTheBudgetAllows(@ForAll("small") PlanInput in) {
    Plan unlimited = RoutePlanner.plan(withBudget(in, Integer.MAX_VALUE));
    assertThat(unlimited.uncoveredAddresses()).isZero();
    assertThat(unlimited.collateralAddresses()).isZero();
    int needed = unlimited.routes().size();
    Plan exact = RoutePlanner.plan(withBudget(in, needed));
    assertThat(exact.routes()).isEqualTo(unlimited.routes());
    if (needed > 0) {
      Plan oneLess = RoutePlanner.plan(withBudget(in, needed - 1));
      assertThat(oneLess.collateralAddresses() + oneLess.uncoveredAddresses()).isPositive();
    }
  }

  private static PlanInput withBudget(PlanInput in, int budget) {
    return new PlanInput(in.wanted(), in.forbidden(), in.minPrefixV4(), in.minPrefixV6(), budget);
  }

  /** Wanted and forbidden prefixes in 10.0.0.64/28, a few forbidden around it, routes ≥ /24. */
  @Provide
  Arbitrary<PlanInput> tiny() {
    Arbitrary<String> inside = prefixes(0x0A000040L, 4, 28);
    Arbitrary<String> around =
        Arbitraries.of("10.0.0.0/28", "10.0.0.80/28", "10.0.0.96/27", "10.0.0.128/25");
    Arbitrary<Fence> fence =
        Arbitraries.frequencyOf(Tuple.of(3, inside), Tuple.of(1, around))
            .map(p -> new Fence(p, "test"));
    return Combinators.combine(
            inside.list().ofMaxSize(8),
            fence.list().ofMaxSize(2),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(24, 28)),
                Tuple.of(1, Arbitraries.integers().between(29, 32))))
        .flatAs(
            (wanted, forbidden, min) ->
                budgets(wanted.size())
                    .map(budget -> new PlanInput(wanted, forbidden, min, 16, budget)));
  }

  /** Up to 40 prefixes in 10.16.0.0/20, mostly addresses, and forbidden ones; routes from /8. */
  @Provide
  Arbitrary<PlanInput> small() {
    Arbitrary<String> wanted = prefixes(0x0A100000L, 12, 20);
    Arbitrary<Fence> fence = prefixes(0x0A100000L, 12, 16).map(p -> new Fence(p, "test"));
    return Combinators.combine(
            wanted.list().ofMaxSize(40),
            fence.list().ofMaxSize(3),
            Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(8, 20)),
                Tuple.of(1, Arbitraries.integers().between(21, 32))))
        .flatAs(
            (w, forbidden, min) ->
                budgets(w.size()).map(budget -> new PlanInput(w, forbidden, min, 16, budget)));
  }

  /** Mostly budgets too small to route the wanted prefixes as they are: the trade-offs. */
  private static Arbitrary<Integer> budgets(int wanted) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(Math.min(1, wanted), Math.max(1, wanted / 2))),
        Tuple.of(1, Arbitraries.integers().between(0, wanted)));
  }

  /**
   * Prefixes inside {@code base/(32 - bits)}, written with host bits set at random; mostly single
   * addresses, the shortest {@code /shortest}.
   */
  private static Arbitrary<String> prefixes(long base, int bits, int shortest) {
    Arbitrary<Long> offset = Arbitraries.longs().between(0, (1L << bits) - 1);
    Arbitrary<Integer> length =
        Arbitraries.frequencyOf(
            Tuple.of(6, Arbitraries.just(32)),
            Tuple.of(2, Arbitraries.integers().between(Math.max(shortest, 28), 31)),
            Tuple.of(1, Arbitraries.integers().between(shortest, 32)));
    return Combinators.combine(offset, length).as((o, len) -> PlanCheck.text(base + o) + "/" + len);
  }

  /** The least cost over every set of at most maxRoutes disjoint candidate routes. */
  private static long exhaustive(PlanInput in, PlanCheck check) {
    // A candidate holds a wanted address, no forbidden one, and is not too short.
    TreeSet<PlanCheck.Range> set =
        new TreeSet<>(
            Comparator.comparingLong(PlanCheck.Range::start)
                .thenComparing(PlanCheck.Range::end, Comparator.reverseOrder()));
    for (long address : check.wanted) {
      for (int length = in.minPrefixV4(); length <= 32; length++) {
        long size = 1L << (32 - length);
        PlanCheck.Range r = new PlanCheck.Range(address & -size, (address & -size) + size);
        if (check.forbidden.stream().noneMatch(r::overlaps)) {
          set.add(r);
        }
      }
    }
    List<PlanCheck.Range> candidates = new ArrayList<>(set);
    long[] best = {Long.MAX_VALUE};
    search(candidates, 0, in.maxRoutes(), check, check.wanted.size(), 0, best);
    return best[0];
  }

  /**
   * Every antichain: candidates are in address order with containers first, so taking one skips
   * exactly the candidates inside it.
   */
  private static void search(
      List<PlanCheck.Range> candidates,
      int next,
      int routesLeft,
      PlanCheck check,
      long uncovered,
      long collateral,
      long[] best) {
    if (next == candidates.size()) {
      best[0] = Math.min(best[0], uncovered * UNCOVERED + collateral);
      return;
    }
    search(candidates, next + 1, routesLeft, check, uncovered, collateral, best);
    if (routesLeft > 0) {
      PlanCheck.Range r = candidates.get(next);
      int after = next + 1;
      while (after < candidates.size() && candidates.get(after).start() < r.end()) {
        after++;
      }
      long inside = check.wanted.subSet(r.start(), r.end()).size();
      search(
          candidates,
          after,
          routesLeft - 1,
          check,
          uncovered - inside,
          collateral + (r.end() - r.start() - inside),
          best);
    }
  }

  /** Least cost with at most k routes inside the prefix, for every k up to the budget. */
  private static long[] textbook(PlanInput in, PlanCheck check, long start, int length) {
    int budget = in.maxRoutes();
    long size = 1L << (32 - length);
    long wanted = check.wanted.subSet(start, start + size).size();
    long[] f = new long[budget + 1];
    if (wanted == 0) {
      return f;
    }
    Arrays.fill(f, wanted * UNCOVERED);
    if (length < 32) {
      long[] a = textbook(in, check, start, length + 1);
      long[] b = textbook(in, check, start + size / 2, length + 1);
      for (int k = 0; k <= budget; k++) {
        for (int i = 0; i <= k; i++) {
          f[k] = Math.min(f[k], a[i] + b[k - i]);
        }
      }
    }
    PlanCheck.Range whole = new PlanCheck.Range(start, start + size);
    if (length >= in.minPrefixV4() && check.forbidden.stream().noneMatch(whole::overlaps)) {
      for (int k = 1; k <= budget; k++) {
        f[k] = Math.min(f[k], size - wanted);
      }
    }
    return f;
  }
}
