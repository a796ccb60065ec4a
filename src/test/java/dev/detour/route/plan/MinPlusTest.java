package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

class MinPlusTest {

  @Property(tries = 3000)
  void equalsTheQuadraticConvolution(
      @ForAll("curves") long[] a,
      @ForAll("curves") long[] b,
      @ForAll @IntRange(max = 100) int cut) {
    int cap = (a.length + b.length - 2) * cut / 100;
    assertThat(MinPlus.convolve(a, b, cap)).containsExactly(naive(a, b, cap));
  }

  @Property(tries = 1000)
  void comparesProductsExactly(@ForAll long a, @ForAll long b, @ForAll long c, @ForAll long d) {
    BigInteger ab = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b));
    BigInteger cd = BigInteger.valueOf(c).multiply(BigInteger.valueOf(d));
    assertThat(Integer.signum(MinPlus.compareProducts(a, b, c, d))).isEqualTo(ab.compareTo(cd));
  }

  /**
   * Curves of up to 40 points: small steps (plateaus and dents, rarely convex) or huge ones (as
   * where uncovered addresses cost), either falling like a cost curve or going anywhere.
   */
  @Provide
  Arbitrary<long[]> curves() {
    Arbitrary<List<Long>> small =
        Arbitraries.longs().between(0, 6).list().ofMinSize(1).ofMaxSize(40);
    Arbitrary<List<Long>> huge =
        Arbitraries.longs().between(0, 1L << 55).list().ofMinSize(1).ofMaxSize(40);
    return Combinators.combine(Arbitraries.oneOf(small, huge), Arbitraries.of(true, false))
        .as((steps, falling) -> falling ? falling(steps) : values(steps));
  }

  /** A non-increasing curve that drops by each step in turn. */
  private static long[] falling(List<Long> steps) {
    long[] v = new long[steps.size()];
    v[0] = steps.stream().mapToLong(Long::longValue).sum();
    for (int i = 1; i < v.length; i++) {
      v[i] = v[i - 1] - steps.get(i);
    }
    return v;
  }

  private static long[] values(List<Long> steps) {
    return steps.stream().mapToLong(Long::longValue).toArray();
  }

  private static long[] naive(long[] a, long[] b, int cap) {
    long[] c = new long[cap + 1];
    Arrays.fill(c, Long.MAX_VALUE);
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length && i + j <= cap; j++) {
        c[i + j] = Math.min(c[i + j], a[i] + b[j]);
      }
    }
    return c;
  }
}
