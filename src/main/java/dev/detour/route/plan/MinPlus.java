package dev.detour.route.plan;

/**
 * Exact min-plus convolution of two cost curves, fast when they are close to convex.
 *
 * <p>The lower convex hulls of the two curves bound every sum from below, and the sum of the hulls
 * is convex in the split point with its minimum where a merge of the hulls' slopes puts it. So each
 * output value starts at that split and walks outwards only while the hull bound is still no more
 * than the best sum found: past that point no split can do better. A convex curve is its own hull
 * and costs one step per output; each non-convex stretch costs what its dent is deep. The numbers
 * are the {@link Costs} table's, exact either way (longs with 128-bit products where slopes are
 * compared, or BigIntegers).
 */
final class MinPlus {

  private MinPlus() {}

  /**
   * {@code out[k] = min(a[i] + b[k - i])} over the splits in range, for {@code k} in {@code
   * 0..cap}; {@code cap} is at most {@code last(a) + last(b)}.
   */
  static void convolve(Costs t, int a, int b, int out, int cap) {
    int na = t.last(a);
    int nb = t.last(b);
    hull(t, a, 0);
    hull(t, b, 1);
    t.allocate(out, cap);
    int i = 0;
    for (int k = 0; k <= cap; k++) {
      if (k > 0) {
        // The k-th cheapest hull step comes from a or from b.
        int j = k - 1 - i;
        if (i < na && (j >= nb || t.compareSteps(i, j) <= 0)) {
          i++;
        }
      }
      t.minAround(a, b, out, k, i, Math.max(0, k - nb), Math.min(k, na));
    }
  }

  /** Finds the vertices of the curve's lower convex hull and gives them to the table. */
  private static void hull(Costs t, int slot, int which) {
    int n = t.last(slot) + 1;
    int[] v = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) {
      while (m >= 2 && !t.strictlyBelow(slot, v[m - 2], v[m - 1], i)) {
        m--;
      }
      v[m++] = i;
    }
    t.hull(slot, which, v, m);
  }

  /** Compares {@code a * b} with {@code c * d} exactly. */
  static int compareProducts(long a, long b, long c, long d) {
    long high1 = Math.multiplyHigh(a, b);
    long high2 = Math.multiplyHigh(c, d);
    if (high1 != high2) {
      return Long.compare(high1, high2);
    }
    return Long.compareUnsigned(a * b, c * d);
  }
}
