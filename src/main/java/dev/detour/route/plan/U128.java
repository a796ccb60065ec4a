package dev.detour.route.plan;

import java.math.BigInteger;

/**
 * An unsigned 128-bit number: an address of either family (IPv4 in the low 32 bits), or a count of
 * addresses below 2^128, with wrap-around arithmetic. Two longs instead of a BigInteger so that the
 * planner handles 44,000 IPv4 prefixes without allocating an array per address.
 */
record U128(long hi, long lo) implements Comparable<U128> {

  static final U128 ZERO = new U128(0, 0);
  static final U128 ONE = new U128(0, 1);
  static final U128 MAX = new U128(-1, -1);

  /** The big-endian number in 4 (IPv4) or 16 (IPv6) bytes. */
  static U128 of(byte[] bytes) {
    long hi = 0;
    long lo = 0;
    for (byte b : bytes) {
      hi = hi << 8 | lo >>> 56;
      lo = lo << 8 | (b & 0xff);
    }
    return new U128(hi, lo);
  }

  /** 2^n mod 2^128, for n in 0..128. */
  static U128 pow2(int n) {
    if (n >= 128) {
      return ZERO;
    }
    return n >= 64 ? new U128(1L << (n - 64), 0) : new U128(0, 1L << n);
  }

  U128 add(U128 o) {
    long sum = lo + o.lo;
    return new U128(hi + o.hi + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0), sum);
  }

  U128 subtract(U128 o) {
    return new U128(hi - o.hi - (Long.compareUnsigned(lo, o.lo) < 0 ? 1 : 0), lo - o.lo);
  }

  /** This with the n lowest bits cleared, for n in 0..128. */
  U128 clearLow(int n) {
    if (n >= 64) {
      return new U128(n >= 128 ? 0 : hi >>> (n - 64) << (n - 64), 0);
    }
    return new U128(hi, n == 0 ? lo : lo >>> n << n);
  }

  /** This with the n lowest bits set, for n in 0..128. */
  U128 setLow(int n) {
    if (n >= 64) {
      return new U128(n >= 128 ? -1 : hi | (1L << (n - 64)) - 1, -1);
    }
    return new U128(hi, lo | (1L << n) - 1);
  }

  int numberOfLeadingZeros() {
    return hi != 0 ? Long.numberOfLeadingZeros(hi) : 64 + Long.numberOfLeadingZeros(lo);
  }

  int numberOfTrailingZeros() {
    return lo != 0 ? Long.numberOfTrailingZeros(lo) : 64 + Long.numberOfTrailingZeros(hi);
  }

  /** The leading bits this and o share, 128 if equal. */
  int commonPrefix(U128 o) {
    long h = hi ^ o.hi;
    return h != 0 ? Long.numberOfLeadingZeros(h) : 64 + Long.numberOfLeadingZeros(lo ^ o.lo);
  }

  /** Whether this is below 2^63, a long. */
  boolean fitsLong() {
    return hi == 0 && lo >= 0;
  }

  BigInteger big() {
    if (fitsLong()) {
      return BigInteger.valueOf(lo);
    }
    return BigInteger.valueOf(hi).and(LOW64).shiftLeft(64).or(BigInteger.valueOf(lo).and(LOW64));
  }

  private static final BigInteger LOW64 = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  // Written out: a record's generated equals goes through an indy bootstrap, slower on a hot path.
  @Override
  public boolean equals(Object o) {
    return o instanceof U128 u && u.hi == hi && u.lo == lo;
  }

  @Override
  public int hashCode() {
    return Long.hashCode(hi) * 31 + Long.hashCode(lo);
  }

  @Override
  public int compareTo(U128 o) {
    int c = Long.compareUnsigned(hi, o.hi);
    return c != 0 ? c : Long.compareUnsigned(lo, o.lo);
  }

  U128 max(U128 o) {
    return compareTo(o) >= 0 ? this : o;
  }

  U128 min(U128 o) {
    return compareTo(o) <= 0 ? this : o;
  }
}
