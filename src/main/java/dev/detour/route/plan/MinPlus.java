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
    Hull ha = new Hull(t, a, 0);
    Hull hb = new Hull(t, b, 1);
    t.allocate(out, cap);
    int i = 0;
    for (int k = 0; k <= cap; k++) {
      if (k > 0) {
        // The k-th cheapest hull step comes from a or from b.
        int j = k - 1 - i;
        if (i < na
            && (j >= nb
                || t.compareSlopes(a, ha.from[i], ha.to[i], b, hb.from[j], hb.to[j]) <= 0)) {
          i++;
        }
      }
      int lo = Math.max(0, k - nb);
      int hi = Math.min(k, na);
      t.best(a, i, b, k - i);
      for (int x = i + 1; x <= hi && t.floorsAtMostBest(x, k - x); x++) {
        t.tryBest(a, x, b, k - x);
      }
      for (int x = i - 1; x >= lo && t.floorsAtMostBest(x, k - x); x--) {
        t.tryBest(a, x, b, k - x);
      }
      t.putBest(out, k);
    }
  }

  /**
   * The lower convex hull of a curve: per step {@code i -> i+1} the hull segment over it, from
   * vertex {@code from[i]} to vertex {@code to[i]}; its floors (per point the hull's value rounded
   * down, never above the curve) go to the table.
   */
  private static final class Hull {
    final int[] from;
    final int[] to;

    Hull(Costs t, int slot, int which) {
      int n = t.last(slot) + 1;
      int[] v = new int[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        while (m >= 2 && !t.strictlyBelow(slot, v[m - 2], v[m - 1], i)) {
          m--;
        }
        v[m++] = i;
      }
      from = new int[n];
      to = new int[n];
      for (int s = 0; s + 1 < m; s++) {
        for (int p = v[s]; p < v[s + 1]; p++) {
          from[p] = v[s];
          to[p] = v[s + 1];
        }
      }
      t.floors(slot, which, v, m);
    }
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
