package dev.detour.route.plan;

import java.math.BigInteger;

/**
 * The planner's cost curves, one per slot (a trie node), in one exact number type: longs when every
 * cost fits (IPv4: at most 2^32 addresses times a penalty of at most 2^32), BigIntegers otherwise
 * (IPv6, where an uncovered address must outweigh up to 2^128 collateral ones). {@link MinPlus} and
 * {@link Aggregator} are written once against this table; only the arithmetic differs.
 *
 * <p>The convolution keeps its running best sum and the two hulls' floors here, so that the number
 * type never leaves the table.
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
  abstract void atMost(int slot, BigInteger value);

  /** The least i with {@code a[i] + b[k - i] == out[k]}. */
  abstract int split(int out, int k, int a, int b);

  // The convolution's arithmetic (see MinPlus).

  /** Whether point q of the curve lies strictly below the chord from p to r. */
  abstract boolean strictlyBelow(int slot, int p, int q, int r);

  /** Compares the slope of a's chord from pa to qa with that of b's chord from pb to qb. */
  abstract int compareSlopes(int a, int pa, int qa, int b, int pb, int qb);

  /** Stores, as hull {@code which} (0 or 1), the floors of the hull with these vertices. */
  abstract void floors(int slot, int which, int[] vertices, int count);

  /** Starts the search for out[k] at {@code a[x] + b[y]}. */
  abstract void best(int a, int x, int b, int y);

  /** Takes {@code a[x] + b[y]} if it is below the best so far. */
  abstract void tryBest(int a, int x, int b, int y);

  /** Whether the hulls' floors at x and y sum to no more than the best so far. */
  abstract boolean floorsAtMostBest(int x, int y);

  abstract void putBest(int out, int k);

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
    private long best;

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
    void atMost(int slot, BigInteger value) {
      long v = value.longValueExact();
      long[] x = f[slot];
      for (int k = 1; k < x.length; k++) {
        x[k] = Math.min(x[k], v);
      }
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
    int compareSlopes(int a, int pa, int qa, int b, int pb, int qb) {
      return MinPlus.compareProducts(f[a][qa] - f[a][pa], qb - pb, f[b][qb] - f[b][pb], qa - pa);
    }

    @Override
    void floors(int slot, int which, int[] v, int m) {
      long[] x = f[slot];
      long[] fl = new long[x.length];
      fl[x.length - 1] = x[x.length - 1];
      for (int s = 0; s + 1 < m; s++) {
        int p = v[s];
        int len = v[s + 1] - p;
        long dx = x[v[s + 1]] - x[p];
        long whole = Math.floorDiv(dx, len);
        long part = dx - whole * len;
        for (int t = 0; t < len; t++) {
          fl[p + t] = x[p] + whole * t + part * t / len;
        }
      }
      floor[which] = fl;
    }

    @Override
    void best(int a, int x, int b, int y) {
      best = f[a][x] + f[b][y];
    }

    @Override
    void tryBest(int a, int x, int b, int y) {
      best = Math.min(best, f[a][x] + f[b][y]);
    }

    @Override
    boolean floorsAtMostBest(int x, int y) {
      return floor[0][x] + floor[1][y] <= best;
    }

    @Override
    void putBest(int out, int k) {
      f[out][k] = best;
    }
  }

  static final class Bigs extends Costs {
    private final BigInteger[][] f;
    private final BigInteger[][] floor = new BigInteger[2][];
    private BigInteger best;

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
    void atMost(int slot, BigInteger value) {
      BigInteger[] x = f[slot];
      for (int k = 1; k < x.length; k++) {
        x[k] = x[k].min(value);
      }
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
    int compareSlopes(int a, int pa, int qa, int b, int pb, int qb) {
      BigInteger left = f[a][qa].subtract(f[a][pa]).multiply(BigInteger.valueOf(qb - pb));
      BigInteger right = f[b][qb].subtract(f[b][pb]).multiply(BigInteger.valueOf(qa - pa));
      return left.compareTo(right);
    }

    @Override
    void floors(int slot, int which, int[] v, int m) {
      BigInteger[] x = f[slot];
      BigInteger[] fl = new BigInteger[x.length];
      fl[x.length - 1] = x[x.length - 1];
      for (int s = 0; s + 1 < m; s++) {
        int p = v[s];
        int len = v[s + 1] - p;
        BigInteger dx = x[v[s + 1]].subtract(x[p]);
        BigInteger run = BigInteger.valueOf(len);
        for (int t = 0; t < len; t++) {
          // Rounded down, never up: BigInteger's division rounds toward zero.
          BigInteger[] qr = dx.multiply(BigInteger.valueOf(t)).divideAndRemainder(run);
          BigInteger q = qr[1].signum() < 0 ? qr[0].subtract(BigInteger.ONE) : qr[0];
          fl[p + t] = x[p].add(q);
        }
      }
      floor[which] = fl;
    }

    @Override
    void best(int a, int x, int b, int y) {
      best = f[a][x].add(f[b][y]);
    }

    @Override
    void tryBest(int a, int x, int b, int y) {
      best = best.min(f[a][x].add(f[b][y]));
    }

    @Override
    boolean floorsAtMostBest(int x, int y) {
      return floor[0][x].add(floor[1][y]).compareTo(best) <= 0;
    }

    @Override
    void putBest(int out, int k) {
      f[out][k] = best;
    }
  }
}
