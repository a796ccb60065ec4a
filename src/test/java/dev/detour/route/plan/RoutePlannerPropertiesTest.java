package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The planner against two slow but plain references on random inputs: an exhaustive search of every
 * set of disjoint candidate routes in a /28 or a /124 (with routes up to a /24 or /120 around it),
 * and a textbook DP over the whole binary tree of each family, with no compression, hulls or caps
 * (prefixes with nothing wanted skipped, so that wanted prefixes anywhere in a /20 or a /48 keep it
 * small). Mixed inputs share the budget: the references try every split of it.
 */
class RoutePlannerPropertiesTest {

  private static final BigInteger UNCOVERED = PlanCheck.UNCOVERED;
  private static final BigInteger V4_SMALL = BigInteger.valueOf(0x0A100000L);
  private static final BigInteger V6_WIDE = v6("2001:db8::");

  @Property(tries = 1000)
  void matchesExhaustiveSearch(@ForAll("tiny") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(exhaustive(in, check));
  }

  @Property(tries = 600)
  void matchesExhaustiveSearchForIpv6(@ForAll("tiny6") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(exhaustive(in, check));
  }

  @Property(tries = 400)
  void matchesExhaustiveSearchWhenBothFamiliesShareTheBudget(@ForAll("tinyMixed") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(exhaustive(in, check));
  }

  @Property(tries = 500)
  void matchesTextbookDp(@ForAll("small") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(textbook(in, check)[in.maxRoutes()]);
  }

  @Property(tries = 300)
  void matchesTextbookDpForWideIpv6(@ForAll("wide6") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(textbook(in, check)[in.maxRoutes()]);
  }

  @Property(tries = 200)
  void matchesTextbookDpWhenBothFamiliesShareTheBudget(@ForAll("smallMixed") PlanInput in) {
    PlanCheck check = new PlanCheck(in);
    BigInteger cost = check.verify(in, RoutePlanner.plan(in));
    assertThat(cost).isEqualTo(textbook(in, check)[in.maxRoutes()]);
  }

  @Property(tries = 200)
  void coversEverythingWithoutCollateralWhenTheBudgetAllows(@ForAll("smallMixed") PlanInput any) {
    // Routes no longer than /64, so that the /56s' pieces can all be listed.
    PlanInput in =
        new PlanInput(
            any.wanted(),
            any.forbidden(),
            any.minPrefixV4(),
            Math.min(any.minPrefixV6(), 64),
            any.maxRoutes());
    Plan unlimited = RoutePlanner.plan(withBudget(in, Integer.MAX_VALUE));
    assertThat(unlimited.uncoveredAddresses()).isZero();
    assertThat(unlimited.collateralAddresses()).isZero();
    assertThat(unlimited.uncoveredAddressesV6()).isZero();
    assertThat(unlimited.collateralAddressesV6()).isZero();
    int needed = unlimited.routes().size();
    Plan exact = RoutePlanner.plan(withBudget(in, needed));
    assertThat(exact.routes()).isEqualTo(unlimited.routes());
    if (needed > 0) {
      Plan oneLess = RoutePlanner.plan(withBudget(in, needed - 1));
      assertThat(
              oneLess
                  .collateralAddressesV6()
                  .add(oneLess.uncoveredAddressesV6())
                  .add(BigInteger.valueOf(oneLess.collateralAddresses()))
                  .add(BigInteger.valueOf(oneLess.uncoveredAddresses())))
          .isPositive();
    }
  }

  private static PlanInput withBudget(PlanInput in, int budget) {
    return new PlanInput(in.wanted(), in.forbidden(), in.minPrefixV4(), in.minPrefixV6(), budget);
  }

  /** Wanted and forbidden prefixes in 10.0.0.64/28, a few forbidden around it, routes ≥ /24. */
  @Provide
  Arbitrary<PlanInput> tiny() {
    return tinyInputs(tiny4(8), fences4(), minimum(24, 28, 32), Arbitraries.just(16));
  }

  /** The same in 2001:db8::40/124, fences around it, routes ≥ /120. */
  @Provide
  Arbitrary<PlanInput> tiny6() {
    return tinyInputs(tiny6(8), fences6(), Arbitraries.just(8), minimum(120, 124, 128));
  }

  /** Both at once, fewer of each. */
  @Provide
  Arbitrary<PlanInput> tinyMixed() {
    Arbitrary<List<String>> wanted =
        Combinators.combine(tiny4(4), tiny6(4))
            .as((a, b) -> Stream.concat(a.stream(), b.stream()).toList());
    Arbitrary<Fence> fence = Arbitraries.oneOf(fences4(), fences6());
    return tinyInputs(wanted, fence, minimum(24, 28, 32), minimum(120, 124, 128));
  }

  private static Arbitrary<PlanInput> tinyInputs(
      Arbitrary<List<String>> wanted,
      Arbitrary<Fence> fence,
      Arbitrary<Integer> min4,
      Arbitrary<Integer> min6) {
    return Combinators.combine(wanted, fence.list().ofMaxSize(2), min4, min6)
        .flatAs(
            (w, forbidden, m4, m6) ->
                budgets(w.size()).map(budget -> new PlanInput(w, forbidden, m4, m6, budget)));
  }

  private static Arbitrary<List<String>> tiny4(int most) {
    return prefixes4(0x0A000040L, 4, 28).list().ofMaxSize(most);
  }

  private static Arbitrary<List<String>> tiny6(int most) {
    return prefixes6(v6("2001:db8::40"), 4, 124).list().ofMaxSize(most);
  }

  private static Arbitrary<Fence> fences4() {
    Arbitrary<String> around =
        Arbitraries.of("10.0.0.0/28", "10.0.0.80/28", "10.0.0.96/27", "10.0.0.128/25");
    return Arbitraries.frequencyOf(Tuple.of(3, prefixes4(0x0A000040L, 4, 28)), Tuple.of(1, around))
        .map(p -> new Fence(p, "test"));
  }

  private static Arbitrary<Fence> fences6() {
    Arbitrary<String> around =
        Arbitraries.of(
            "2001:db8::/124", "2001:db8::50/124", "2001:db8::60/123", "2001:db8::80/121");
    return Arbitraries.frequencyOf(
            Tuple.of(3, prefixes6(v6("2001:db8::40"), 4, 124)), Tuple.of(1, around))
        .map(p -> new Fence(p, "test"));
  }

  /** Mostly from {@code low} to {@code mid}, sometimes up to {@code high}. */
  private static Arbitrary<Integer> minimum(int low, int mid, int high) {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(low, mid)),
        Tuple.of(1, Arbitraries.integers().between(mid + 1, high)));
  }

  /** Up to 40 prefixes in 10.16.0.0/20, mostly addresses, and forbidden ones; routes from /8. */
  @Provide
  Arbitrary<PlanInput> small() {
    return Combinators.combine(
            prefixes4(V4_SMALL.longValue(), 12, 20).list().ofMaxSize(40),
            fences4Small().list().ofMaxSize(3),
            minimum(8, 20, 32))
        .flatAs(
            (w, forbidden, min) ->
                budgets(w.size()).map(budget -> new PlanInput(w, forbidden, min, 16, budget)));
  }

  /**
   * Up to 30 prefixes anywhere in 2001:db8::/48, mostly addresses, some /56 to /64, and forbidden
   * ones: collateral up to 2^80 addresses, uncovered ones that must outweigh it.
   */
  @Provide
  Arbitrary<PlanInput> wide6() {
    return Combinators.combine(
            wide6Prefixes().list().ofMaxSize(30),
            fences6Wide().list().ofMaxSize(3),
            minimum(32, 64, 128))
        .flatAs(
            (w, forbidden, min) ->
                budgets(w.size()).map(budget -> new PlanInput(w, forbidden, 8, min, budget)));
  }

  /** Both at once: the /20 and the /48. */
  @Provide
  Arbitrary<PlanInput> smallMixed() {
    Arbitrary<List<String>> wanted =
        Combinators.combine(
                prefixes4(V4_SMALL.longValue(), 12, 20).list().ofMaxSize(15),
                wide6Prefixes().list().ofMaxSize(15))
            .as((a, b) -> Stream.concat(a.stream(), b.stream()).toList());
    Arbitrary<Fence> fence = Arbitraries.oneOf(fences4Small(), fences6Wide());
    return Combinators.combine(
            wanted, fence.list().ofMaxSize(3), minimum(8, 20, 32), minimum(32, 64, 128))
        .flatAs(
            (w, forbidden, m4, m6) ->
                budgets(w.size()).map(budget -> new PlanInput(w, forbidden, m4, m6, budget)));
  }

  private static Arbitrary<Fence> fences4Small() {
    return prefixes4(V4_SMALL.longValue(), 12, 16).map(p -> new Fence(p, "test"));
  }

  private static Arbitrary<String> wide6Prefixes() {
    Arbitrary<String> hosts = prefixes6(V6_WIDE, 80, 120);
    Arbitrary<String> networks =
        Combinators.combine(
                Arbitraries.bigIntegers().between(BigInteger.ZERO, BigInteger.valueOf(255)),
                Arbitraries.integers().between(56, 64))
            .as((o, len) -> text6(V6_WIDE.add(o.shiftLeft(72))) + "/" + len);
    return Arbitraries.frequencyOf(Tuple.of(4, hosts), Tuple.of(1, networks));
  }

  private static Arbitrary<Fence> fences6Wide() {
    return Combinators.combine(
            Arbitraries.bigIntegers()
                .between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(80).subtract(BigInteger.ONE)),
            Arbitraries.integers().between(50, 128))
        .as((o, len) -> new Fence(text6(V6_WIDE.add(o)) + "/" + len, "test"));
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
  private static Arbitrary<String> prefixes4(long base, int bits, int shortest) {
    Arbitrary<Long> offset = Arbitraries.longs().between(0, (1L << bits) - 1);
    return Combinators.combine(offset, lengths(shortest, 32))
        .as((o, len) -> PlanCheck.text(base + o) + "/" + len);
  }

  /** The same for IPv6: inside {@code base/(128 - bits)}. */
  private static Arbitrary<String> prefixes6(BigInteger base, int bits, int shortest) {
    Arbitrary<BigInteger> offset =
        Arbitraries.bigIntegers()
            .between(BigInteger.ZERO, BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE));
    return Combinators.combine(offset, lengths(shortest, 128))
        .as((o, len) -> text6(base.add(o)) + "/" + len);
  }

  private static Arbitrary<Integer> lengths(int shortest, int bits) {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.just(bits)),
        Tuple.of(2, Arbitraries.integers().between(Math.max(shortest, bits - 4), bits - 1)),
        Tuple.of(1, Arbitraries.integers().between(shortest, bits)));
  }

  private static BigInteger v6(String address) {
    return PlanCheck.range(address).start();
  }

  private static String text6(BigInteger address) {
    return new inet.ipaddr.ipv6.IPv6Address(address).toCanonicalString();
  }

  /** The least cost over every set of at most maxRoutes disjoint candidate routes. */
  private static BigInteger exhaustive(PlanInput in, PlanCheck check) {
    // A candidate holds a wanted address, no forbidden one, and is not too short.
    TreeSet<PlanCheck.Range> set =
        new TreeSet<>(
            Comparator.comparing(PlanCheck.Range::v6)
                .thenComparing(PlanCheck.Range::start)
                .thenComparing(PlanCheck.Range::end, Comparator.reverseOrder()));
    for (PlanCheck.Range w : check.wanted) {
      int bits = w.v6() ? 128 : 32;
      int min = w.v6() ? in.minPrefixV6() : in.minPrefixV4();
      for (BigInteger a = w.start(); a.compareTo(w.end()) < 0; a = a.add(BigInteger.ONE)) {
        for (int length = min; length <= bits; length++) {
          PlanCheck.Range r = block(a, length, w.v6());
          if (check.forbidden.stream().noneMatch(r::overlaps)) {
            set.add(r);
          }
        }
      }
    }
    List<PlanCheck.Range> candidates = new ArrayList<>(set);
    BigInteger wanted = check.wanted(false).add(check.wanted(true));
    BigInteger[] best = {null};
    search(candidates, 0, in.maxRoutes(), check, wanted, BigInteger.ZERO, best);
    return best[0];
  }

  private static PlanCheck.Range block(BigInteger address, int length, boolean v6) {
    int host = (v6 ? 128 : 32) - length;
    BigInteger start = address.shiftRight(host).shiftLeft(host);
    return new PlanCheck.Range(start, start.add(BigInteger.ONE.shiftLeft(host)), v6, length);
  }

  /**
   * Every antichain: candidates are in order with containers first, so taking one skips exactly the
   * candidates inside it.
   */
  private static void search(
      List<PlanCheck.Range> candidates,
      int next,
      int routesLeft,
      PlanCheck check,
      BigInteger uncovered,
      BigInteger collateral,
      BigInteger[] best) {
    if (next == candidates.size()) {
      BigInteger cost = uncovered.multiply(UNCOVERED).add(collateral);
      best[0] = best[0] == null ? cost : best[0].min(cost);
      return;
    }
    search(candidates, next + 1, routesLeft, check, uncovered, collateral, best);
    if (routesLeft > 0) {
      PlanCheck.Range r = candidates.get(next);
      int after = next + 1;
      while (after < candidates.size() && candidates.get(after).overlaps(r)) {
        after++;
      }
      BigInteger inside = check.wantedIn(r);
      search(
          candidates,
          after,
          routesLeft - 1,
          check,
          uncovered.subtract(inside),
          collateral.add(r.size().subtract(inside)),
          best);
    }
  }

  /** The least cost for every budget up to maxRoutes: each family's, then the best split. */
  private static BigInteger[] textbook(PlanInput in, PlanCheck check) {
    BigInteger[] f4 = textbook(in, check, BigInteger.ZERO, 0, false);
    BigInteger[] f6 = textbook(in, check, BigInteger.ZERO, 0, true);
    return convolve(f4, f6, in.maxRoutes());
  }

  /** Least cost with at most k routes inside the prefix, for every k up to the budget. */
  private static BigInteger[] textbook(
      PlanInput in, PlanCheck check, BigInteger start, int length, boolean v6) {
    int budget = in.maxRoutes();
    PlanCheck.Range whole = block(start, length, v6);
    BigInteger wanted = check.wantedIn(whole);
    BigInteger[] f = new BigInteger[budget + 1];
    Arrays.fill(f, wanted.multiply(UNCOVERED));
    if (wanted.signum() == 0) {
      return f;
    }
    int bits = v6 ? 128 : 32;
    int min = v6 ? in.minPrefixV6() : in.minPrefixV4();
    if (wanted.equals(whole.size())) {
      // Wholly wanted, so nothing forbidden inside: its pieces of the minimum length, or itself.
      BigInteger pieces = BigInteger.ONE.shiftLeft(Math.max(0, min - length));
      BigInteger pieceSize = BigInteger.ONE.shiftLeft(bits - Math.max(min, length));
      for (int k = 0; k <= budget; k++) {
        BigInteger left = pieces.subtract(BigInteger.valueOf(k)).max(BigInteger.ZERO);
        f[k] = left.multiply(pieceSize).multiply(UNCOVERED);
      }
      return f;
    }
    boolean routable = length >= min && check.forbidden.stream().noneMatch(whole::overlaps);
    if (length < bits) {
      BigInteger half = whole.size().shiftRight(1);
      f =
          convolve(
              textbook(in, check, start, length + 1, v6),
              textbook(in, check, start.add(half), length + 1, v6),
              budget);
    }
    if (routable) {
      for (int k = 1; k <= budget; k++) {
        f[k] = f[k].min(whole.size().subtract(wanted));
      }
    }
    return f;
  }

  private static BigInteger[] convolve(BigInteger[] a, BigInteger[] b, int budget) {
    BigInteger[] c = new BigInteger[budget + 1];
    for (int k = 0; k <= budget; k++) {
      for (int i = 0; i <= k; i++) {
        BigInteger sum = a[i].add(b[k - i]);
        c[k] = c[k] == null ? sum : c[k].min(sum);
      }
    }
    return c;
  }
}
