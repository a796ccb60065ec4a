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
  void equalsTheQuadraticConvolutionInLongs(
      @ForAll("curves") long[] a,
      @ForAll("curves") long[] b,
      @ForAll @IntRange(max = 100) int cut) {
    int cap = (a.length + b.length - 2) * cut / 100;
    Costs t = Costs.upTo(BigInteger.valueOf(Long.MAX_VALUE), 3);
    assertThat(t).isInstanceOf(Costs.Longs.class);
    load(t, 0, big(a));
    load(t, 1, big(b));
    MinPlus.convolve(t, 0, 1, 2, cap);
    assertThat(values(t, 2)).containsExactly(naive(big(a), big(b), cap));
  }

  @Property(tries = 2000)
  void equalsTheQuadraticConvolutionInBigIntegers(
      @ForAll("curves") long[] a,
      @ForAll("curves") long[] b,
      @ForAll @IntRange(max = 100) int cut,
      @ForAll @IntRange(max = 140) int shift) {
    // Scaled past a long, with an odd offset so that the low bits still matter.
    BigInteger[] x =
        Arrays.stream(big(a)).map(v -> v.shiftLeft(shift).add(v)).toArray(BigInteger[]::new);
    BigInteger[] y = Arrays.stream(big(b)).map(v -> v.shiftLeft(shift)).toArray(BigInteger[]::new);
    int cap = (a.length + b.length - 2) * cut / 100;
    Costs t = Costs.of(x, y);
    MinPlus.convolve(t, 0, 1, 2, cap);
    assertThat(values(t, 2)).containsExactly(naive(x, y, cap));
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

  private static BigInteger[] big(long[] v) {
    return Arrays.stream(v).mapToObj(BigInteger::valueOf).toArray(BigInteger[]::new);
  }

  private static void load(Costs t, int slot, BigInteger[] v) {
    t.allocate(slot, v.length - 1);
    for (int k = 0; k < v.length; k++) {
      t.put(slot, k, v[k]);
    }
  }

  private static BigInteger[] values(Costs t, int slot) {
    BigInteger[] v = new BigInteger[t.last(slot) + 1];
    Arrays.setAll(v, k -> t.get(slot, k));
    return v;
  }

  private static BigInteger[] naive(BigInteger[] a, BigInteger[] b, int cap) {
    BigInteger[] c = new BigInteger[cap + 1];
    for (int i = 0; i < a.length; i++) {
      for (int j = 0; j < b.length && i + j <= cap; j++) {
        BigInteger sum = a[i].add(b[j]);
        c[i + j] = c[i + j] == null ? sum : c[i + j].min(sum);
      }
    }
    return c;
  }
}
