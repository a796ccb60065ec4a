package dev.detour.route.plan;

import java.math.BigInteger;

/**
 * The planner's cost curves, one per slot (a trie node), in one exact number type: longs when every
 * cost fits (IPv4: at most 2^32 addresses times a penalty of at most 2^32), BigIntegers otherwise
 * (IPv6, where an uncovered address must outweigh up to 2^128 collateral ones). {@link MinPlus} and
 * {@link Aggregator} are written once against this table; only the arithmetic differs.
 *
 * <p>The convolution keeps the two hulls here and walks for each output's minimum here, so that the
 * number type never leaves the table and its inner loop runs on the arrays themselves.
 */
abstract sealed class Costs {

  /** A table for costs up to {@code largest}: longs if they fit, else BigIntegers. */
  static Costs upTo(BigInteger largest, int slots) {
    // Sums of two curves' values are costs of disjoint parts, so they never pass the largest.
    return largest.bitLength() < Long.SIZE ? new Longs(slots) : new Bigs(slots);
  }

  /** A BigInteger table holding the given curves in slots 0, 1, …. */
  static Costs of(BigInteger[]... curves) {
    Bigs t = new Bigs(curves.length + 1);
    System.arraycopy(curves, 0, t.f, 0, curves.length);
    return t;
  }

  /** The highest route count slot's curve holds. */
  abstract int last(int slot);

  abstract BigInteger get(int slot, int k);

  abstract void put(int slot, int k, BigInteger value);

  abstract void allocate(int slot, int cap);

  abstract void free(int slot);

  /** {@code f[k] = min(f[k], value)} for k from 1: one route for the whole slot. */
  abstract void atMost(int slot, U128 value);

  /**
   * A leaf's curve up to {@code cap} routes, each covering one more piece of its {@code
   * 2^wantedLog2} addresses: {@code f[k] = (2^wantedLog2 - k * 2^pieceLog2) * penalty}.
   */
  abstract void leaf(int slot, int cap, int wantedLog2, int pieceLog2, BigInteger penalty);

  /** Whether {@code f[k]} equals {@code value}. */
  abstract boolean is(int slot, int k, U128 value);

  /** The least i with {@code a[i] + b[k - i] == out[k]}. */
  abstract int split(int out, int k, int a, int b);

  // The convolution's arithmetic (see MinPlus).

  /** Whether point q of the curve lies strictly below the chord from p to r. */
  abstract boolean strictlyBelow(int slot, int p, int q, int r);

  /**
   * Stores, as hull {@code which} (0 or 1), the hull with these vertices: per step {@code i -> i+1}
   * the slope of the segment over it, and per point its value rounded down, never above the curve.
   */
  abstract void hull(int slot, int which, int[] vertices, int count);

  /** Compares the slope of hull 0 at step i with that of hull 1 at step j. */
  abstract int compareSteps(int i, int j);

  /**
   * {@code out[k] = min(a[x] + b[k - x])} for x in {@code lo..hi}, starting at x = i and walking
   * outwards only while the hulls' floors sum to no more than the best sum found.
   */
  abstract void minAround(int a, int b, int out, int k, int i, int lo, int hi);

  /** The least k whose value equals the last one's: the optimum with the fewest routes. */
  final int fewest(int slot) {
    int k = last(slot);
    BigInteger optimum = get(slot, k);
    while (k > 0 && get(slot, k - 1).equals(optimum)) {
      k--;
    }
    return k;
  }

  static final class Longs extends Costs {
    private final long[][] f;
    private final long[][] floor = new long[2][];
    private final long[][] rise = new long[2][];
    private final int[][] run = new int[2][];

    Longs(int slots) {
      f = new long[slots][];
    }

    @Override
    int last(int slot) {
      return f[slot].length - 1;
    }

    @Override
    BigInteger get(int slot, int k) {
      return BigInteger.valueOf(f[slot][k]);
    }

    @Override
    void put(int slot, int k, BigInteger value) {
      f[slot][k] = value.longValueExact();
    }

    @Override
    void allocate(int slot, int cap) {
      f[slot] = new long[cap + 1];
    }

    @Override
    void free(int slot) {
      f[slot] = null;
    }

    @Override
    void atMost(int slot, U128 value) {
      long v = exact(value);
      long[] x = f[slot];
      for (int k = 1; k < x.length; k++) {
        x[k] = Math.min(x[k], v);
      }
    }

    @Override
    void leaf(int slot, int cap, int wantedLog2, int pieceLog2, BigInteger penalty) {
      // Every value is a cost, so both products fit.
      long p = penalty.longValueExact();
      long all = p << wantedLog2;
      long step = p << pieceLog2;
      long[] x = new long[cap + 1];
      for (int k = 0; k <= cap; k++) {
        x[k] = all - k * step;
      }
      f[slot] = x;
    }

    @Override
    boolean is(int slot, int k, U128 value) {
      return value.fitsLong() && f[slot][k] == value.lo();
    }

    private static long exact(U128 value) {
      if (!value.fitsLong()) {
        throw new ArithmeticException("a cost beyond a long in a table of longs");
      }
      return value.lo();
    }

    @Override
    int split(int out, int k, int a, int b) {
      long[] x = f[a];
      long[] y = f[b];
      long target = f[out][k];
      int i = Math.max(0, k - (y.length - 1));
      while (x[i] + y[k - i] != target) {
        i++;
      }
      return i;
    }

    @Override
    boolean strictlyBelow(int slot, int p, int q, int r) {
      long[] x = f[slot];
      return MinPlus.compareProducts(x[q] - x[p], r - p, x[r] - x[p], q - p) < 0;
    }

    @Override
    void hull(int slot, int which, int[] v, int m) {
      long[] x = f[slot];
      int n = x.length;
      long[] fl = new long[n];
      long[] dy = new long[n];
      int[] dx = new int[n];
      fl[n - 1] = x[n - 1];
      for (int s = 0; s + 1 < m; s++) {
        int p = v[s];
        int len = v[s + 1] - p;
        long d = x[v[s + 1]] - x[p];
        long whole = Math.floorDiv(d, len);
        long part = d - whole * len;
        for (int t = 0; t < len; t++) {
          fl[p + t] = x[p] + whole * t + part * t / len;
          dy[p + t] = d;
          dx[p + t] = len;
        }
      }
      floor[which] = fl;
      rise[which] = dy;
      run[which] = dx;
    }

    @Override
    int compareSteps(int i, int j) {
      return MinPlus.compareProducts(rise[0][i], run[1][j], rise[1][j], run[0][i]);
    }

    @Override
    void minAround(int a, int b, int out, int k, int i, int lo, int hi) {
      long[] x = f[a];
      long[] y = f[b];
      long[] fx = floor[0];
      long[] fy = floor[1];
      long best = x[i] + y[k - i];
      for (int p = i + 1; p <= hi && fx[p] + fy[k - p] <= best; p++) {
        best = Math.min(best, x[p] + y[k - p]);
      }
      for (int p = i - 1; p >= lo && fx[p] + fy[k - p] <= best; p--) {
        best = Math.min(best, x[p] + y[k - p]);
      }
      f[out][k] = best;
    }
  }

  static final class Bigs extends Costs {
    private final BigInteger[][] f;
    private final BigInteger[][] floor = new BigInteger[2][];
    private final BigInteger[][] rise = new BigInteger[2][];
    private final int[][] run = new int[2][];

    Bigs(int slots) {
      f = new BigInteger[slots][];
    }

    @Override
    int last(int slot) {
      return f[slot].length - 1;
    }

    @Override
    BigInteger get(int slot, int k) {
      return f[slot][k];
    }

    @Override
    void put(int slot, int k, BigInteger value) {
      f[slot][k] = value;
    }

    @Override
    void allocate(int slot, int cap) {
      f[slot] = new BigInteger[cap + 1];
    }

    @Override
    void free(int slot) {
      f[slot] = null;
    }

    @Override
    void atMost(int slot, U128 value) {
      BigInteger v = value.big();
      BigInteger[] x = f[slot];
      for (int k = 1; k < x.length; k++) {
        x[k] = x[k].min(v);
      }
    }

    @Override
    void leaf(int slot, int cap, int wantedLog2, int pieceLog2, BigInteger penalty) {
      BigInteger[] x = new BigInteger[cap + 1];
      BigInteger step = penalty.shiftLeft(pieceLog2);
      x[0] = penalty.shiftLeft(wantedLog2);
      for (int k = 1; k <= cap; k++) {
        x[k] = x[k - 1].subtract(step);
      }
      f[slot] = x;
    }

    @Override
    boolean is(int slot, int k, U128 value) {
      return f[slot][k].equals(value.big());
    }

    @Override
    int split(int out, int k, int a, int b) {
      BigInteger[] x = f[a];
      BigInteger[] y = f[b];
      BigInteger target = f[out][k];
      int i = Math.max(0, k - (y.length - 1));
      while (!x[i].add(y[k - i]).equals(target)) {
        i++;
      }
      return i;
    }

    @Override
    boolean strictlyBelow(int slot, int p, int q, int r) {
      BigInteger[] x = f[slot];
      BigInteger left = x[q].subtract(x[p]).multiply(BigInteger.valueOf(r - p));
      BigInteger right = x[r].subtract(x[p]).multiply(BigInteger.valueOf(q - p));
      return left.compareTo(right) < 0;
    }

    @Override
    void hull(int slot, int which, int[] v, int m) {
      BigInteger[] x = f[slot];
      int n = x.length;
      BigInteger[] fl = new BigInteger[n];
      BigInteger[] dy = new BigInteger[n];
      int[] dx = new int[n];
      fl[n - 1] = x[n - 1];
      for (int s = 0; s + 1 < m; s++) {
        int p = v[s];
        int len = v[s + 1] - p;
        BigInteger d = x[v[s + 1]].subtract(x[p]);
        BigInteger length = BigInteger.valueOf(len);
        for (int t = 0; t < len; t++) {
          // Rounded down, never up: BigInteger's division rounds toward zero.
          BigInteger[] qr = d.multiply(BigInteger.valueOf(t)).divideAndRemainder(length);
          BigInteger q = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
          fl[p + t] = x[p].add(q);
          dy[p + t] = d;
          dx[p + t] = len;
        }
      }
      floor[which] = fl;
      rise[which] = dy;
      run[which] = dx;
    }

    @Override
    int compareSteps(int i, int j) {
      BigInteger left = rise[0][i].multiply(BigInteger.valueOf(run[1][j]));
      BigInteger right = rise[1][j].multiply(BigInteger.valueOf(run[0][i]));
      return left.compareTo(right);
    }

    @Override
    void minAround(int a, int b, int out, int k, int i, int lo, int hi) {
      BigInteger[] x = f[a];
      BigInteger[] y = f[b];
      BigInteger[] fx = floor[0];
      BigInteger[] fy = floor[1];
      BigInteger best = x[i].add(y[k - i]);
      for (int p = i + 1; p <= hi && fx[p].add(fy[k - p]).compareTo(best) <= 0; p++) {
        best = best.min(x[p].add(y[k - p]));
      }
      for (int p = i - 1; p >= lo && fx[p].add(fy[k - p]).compareTo(best) <= 0; p--) {
        best = best.min(x[p].add(y[k - p]));
      }
      f[out][k] = best;
    }
  }
}
