package dev.detour.route.plan;

/**
 * Exact min-plus convolution of two cost curves, fast when they are close to convex.
 *
 * <p>The lower convex hulls of the two curves bound every sum from below, and the sum of the hulls
 * is convex in the split point with its minimum where a merge of the hulls' slopes puts it. So each
 * output value starts at that split and walks outwards only while the hull bound is still no more
 * than the best sum found: past that point no split can do better. A convex curve is its own hull
 * and costs one step per output; each non-convex stretch costs what its dent is deep. Integer
 * arithmetic throughout, with 128-bit products where slopes are compared.
 */
final class MinPlus {

  private MinPlus() {}

  /**
   * {@code c[k] = min(a[i] + b[k - i])} over the splits in range, for {@code k} in {@code 0..cap};
   * {@code cap} is at most {@code a.length + b.length - 2}. Every sum must fit in a long.
   */
  static long[] convolve(long[] a, long[] b, int cap) {
    int na = a.length - 1;
    int nb = b.length - 1;
    Hull ha = new Hull(a);
    Hull hb = new Hull(b);
    long[] la = ha.floor;
    long[] lb = hb.floor;
    long[] c = new long[cap + 1];
    int i = 0;
    for (int k = 0; k <= cap; k++) {
      if (k > 0) {
        // The k-th cheapest hull step comes from a or from b.
        int j = k - 1 - i;
        if (i < na && (j >= nb || ha.compareStep(i, hb, j) <= 0)) {
          i++;
        }
      }
      int lo = Math.max(0, k - nb);
      int hi = Math.min(k, na);
      long best = a[i] + b[k - i];
      for (int x = i + 1; x <= hi && la[x] + lb[k - x] <= best; x++) {
        best = Math.min(best, a[x] + b[k - x]);
      }
      for (int x = i - 1; x >= lo && la[x] + lb[k - x] <= best; x--) {
        best = Math.min(best, a[x] + b[k - x]);
      }
      c[k] = best;
    }
    return c;
  }

  /**
   * The lower convex hull of a curve: per step {@code i -> i+1} the slope of the hull segment over
   * it (a fraction), and per point the hull's value rounded down, which is never above the curve.
   */
  private static final class Hull {
    final long[] floor;
    final long[] rise;
    final int[] run;

    Hull(long[] x) {
      int n = x.length;
      int[] v = new int[n];
      int m = 0;
      for (int i = 0; i < n; i++) {
        while (m >= 2 && !strictlyBelow(x, v[m - 2], v[m - 1], i)) {
          m--;
        }
        v[m++] = i;
      }
      floor = new long[n];
      rise = new long[n];
      run = new int[n];
      floor[n - 1] = x[n - 1];
      for (int s = 0; s + 1 < m; s++) {
        int p = v[s];
        int len = v[s + 1] - p;
        long dx = x[v[s + 1]] - x[p];
        long whole = Math.floorDiv(dx, len);
        long part = dx - whole * len;
        for (int t = 0; t < len; t++) {
          floor[p + t] = x[p] + whole * t + part * t / len;
          rise[p + t] = dx;
          run[p + t] = len;
        }
      }
    }

    /** Compares this hull's slope at step {@code i} with {@code other}'s at step {@code j}. */
    int compareStep(int i, Hull other, int j) {
      return compareProducts(rise[i], other.run[j], other.rise[j], run[i]);
    }

    /** Whether point q lies strictly below the chord from p to r. */
    private static boolean strictlyBelow(long[] x, int p, int q, int r) {
      return compareProducts(x[q] - x[p], r - p, x[r] - x[p], q - p) < 0;
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
