package dev.detour.history;

import dev.detour.verdict.WatchState;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The bytes of a watch's history. A round is a flags byte (state in two bits, then forged, delay
 * here present, delay through the control present), the seconds since the round before as a varint,
 * and each present delay as 15 bits in two bytes ({@link #delay}): 6 bytes for a round with both
 * delays, 1 µs precision below 2 ms and 1/2048 above. A five-minute bucket is its index in the day
 * and its counts (up, down, blocked, unknown, forged) as varints and the two median delays in two
 * bytes each. Stored rows are deflated: rounds that repeat the same gap and state shrink to little
 * more than their delays.
 */
public final class HistoryCodec {

  /** A delay not measured (nothing answered). */
  public static final int NONE = 0x7fff;

  static final int STATE = 0x3;
  static final int FORGED = 1 << 2;
  static final int LOCAL = 1 << 3;
  static final int CONTROL = 1 << 4;

  /** Seconds in a bucket, and buckets in a day. */
  public static final int BUCKET = 300;

  public static final int DAY = 86_400;

  private HistoryCodec() {}

  /** A delay as 15 bits: microseconds below 2,048 exactly, above as 11 bits and an exponent. */
  public static int delay(Double millis) {
    if (millis == null || millis.isNaN() || millis < 0) {
      return NONE;
    }
    long us = Math.round(millis * 1000);
    if (us < 2048) {
      return (int) us;
    }
    int e = 1;
    while (us >= 4096) {
      us >>= 1;
      e++;
    }
    return e > 15 ? NONE - 1 : Math.min(NONE - 1, e << 11 | (int) (us - 2048));
  }

  public static long micros(int code) {
    int e = code >>> 11;
    int m = code & 0x7ff;
    return e == 0 ? m : (long) (2048 + m) << (e - 1);
  }

  static Double millis(int code) {
    return code == NONE ? null : micros(code) / 1000.0;
  }

  static int putVarint(byte[] to, int at, long value) {
    long v = value;
    while ((v & ~0x7fL) != 0) {
      to[at++] = (byte) (v & 0x7f | 0x80);
      v >>>= 7;
    }
    to[at++] = (byte) v;
    return at;
  }

  /**
   * Reads rounds: {@code bytes[0..length)} as {@link RoundBuffer} writes them, from {@code start}.
   */
  static List<Stretch> rounds(long start, byte[] bytes, int length) {
    List<Stretch> out = new ArrayList<>();
    Reader in = new Reader(bytes, length);
    long second = start;
    while (in.more()) {
      int flags = in.u8();
      second += in.varint();
      int local = (flags & LOCAL) != 0 ? in.u16() : NONE;
      int control = (flags & CONTROL) != 0 ? in.u16() : NONE;
      out.add(
          Stretch.round(
              second,
              WatchState.values()[flags & STATE],
              (flags & FORGED) != 0,
              millis(local),
              millis(control)));
    }
    return out;
  }

  /**
   * The five-minute buckets of one day from its stretches (rounds, buckets already made, or both),
   * as stored: a bucket's delays are the median of its stretches' delays.
   */
  static byte[] buckets(long dayStart, List<Stretch> stretches) {
    int[][] counts = new int[DAY / BUCKET][];
    List<List<Double>> local = new ArrayList<>(DAY / BUCKET);
    List<List<Double>> control = new ArrayList<>(DAY / BUCKET);
    for (int i = 0; i < DAY / BUCKET; i++) {
      local.add(null);
      control.add(null);
    }
    for (Stretch s : stretches) {
      int i = (int) ((s.from() - dayStart) / BUCKET);
      if (i < 0 || i >= counts.length) {
        continue;
      }
      int[] c = counts[i] == null ? counts[i] = new int[5] : counts[i];
      c[0] += s.up();
      c[1] += s.down();
      c[2] += s.blocked();
      c[3] += s.unknown();
      c[4] += s.forged();
      add(local, i, s.localMillis());
      add(control, i, s.controlMillis());
    }
    byte[] out = new byte[counts.length * 29];
    int at = 0;
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] == null) {
        continue;
      }
      at = putVarint(out, at, i);
      for (int c : counts[i]) {
        at = putVarint(out, at, c);
      }
      at = put16(out, at, delay(median(local.get(i))));
      at = put16(out, at, delay(median(control.get(i))));
    }
    return deflate(out, at);
  }

  /** Reads a day's buckets as stored by {@link #buckets}. */
  static List<Stretch> readBuckets(long dayStart, byte[] stored) {
    byte[] bytes = inflate(stored);
    Reader in = new Reader(bytes, bytes.length);
    List<Stretch> out = new ArrayList<>();
    while (in.more()) {
      long from = dayStart + in.varint() * BUCKET;
      int up = (int) in.varint();
      int down = (int) in.varint();
      int blocked = (int) in.varint();
      int unknown = (int) in.varint();
      int forged = (int) in.varint();
      out.add(
          new Stretch(
              from,
              from + BUCKET,
              up,
              down,
              blocked,
              unknown,
              forged,
              millis(in.u16()),
              millis(in.u16())));
    }
    return out;
  }

  private static void add(List<List<Double>> to, int i, Double ms) {
    if (ms != null) {
      if (to.get(i) == null) {
        to.set(i, new ArrayList<>(4));
      }
      to.get(i).add(ms);
    }
  }

  private static Double median(List<Double> values) {
    if (values == null || values.isEmpty()) {
      return null;
    }
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v[v.length / 2];
  }

  private static int put16(byte[] to, int at, int value) {
    to[at] = (byte) (value >>> 8);
    to[at + 1] = (byte) value;
    return at + 2;
  }

  static byte[] deflate(byte[] bytes, int length) {
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    try {
      deflater.setInput(bytes, 0, length);
      deflater.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream(length / 2 + 16);
      byte[] buffer = new byte[512];
      while (!deflater.finished()) {
        out.write(buffer, 0, deflater.deflate(buffer));
      }
      return out.toByteArray();
    } finally {
      deflater.end();
    }
  }

  static byte[] inflate(byte[] bytes) {
    Inflater inflater = new Inflater(true);
    try {
      inflater.setInput(bytes);
      byte[] out = new byte[Math.max(64, bytes.length * 4)];
      int length = 0;
      while (!inflater.finished()) {
        if (length == out.length) {
          out = Arrays.copyOf(out, out.length * 2);
        }
        int n = inflater.inflate(out, length, out.length - length);
        if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
          break;
        }
        length += n;
      }
      return Arrays.copyOf(out, length);
    } catch (DataFormatException e) {
      throw new IllegalStateException("a stored history row is not deflated: " + e.getMessage(), e);
    } finally {
      inflater.end();
    }
  }

  /** Reads what the writers above wrote; a cut-off entry ends the reading. */
  private static final class Reader {
    private final byte[] bytes;
    private final int length;
    private int at;

    Reader(byte[] bytes, int length) {
      this.bytes = bytes;
      this.length = length;
    }

    boolean more() {
      return at < length;
    }

    int u8() {
      return bytes[at++] & 0xff;
    }

    int u16() {
      return u8() << 8 | u8();
    }

    long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        int b = u8();
        v |= (long) (b & 0x7f) << shift;
        if ((b & 0x80) == 0) {
          return v;
        }
      }
    }
  }
}
