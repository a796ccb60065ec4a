package dev.detour.history;

import dev.detour.verdict.WatchState;
import java.util.Arrays;
import java.util.List;

/**
 * A watch's rounds of the current clock hour, held in memory until they are stored as one {@link
 * Chunk} (when the hour ends, or at shutdown): about 6 bytes a round, 360 bytes a watch at a round
 * a minute — what the 90-round latency ring took before, but now the rest of the day is in the
 * database. Also the latest round's delays, for the latency gauge.
 */
public final class RoundBuffer {

  private static final byte[] EMPTY = new byte[0];

  private byte[] data = EMPTY;
  private int length;
  private long start;
  private long last;
  private short latestLocal = HistoryCodec.NONE;
  private short latestControl = HistoryCodec.NONE;

  /**
   * Adds a round of watch {@code id}; returns the rounds of the hour before, sealed, when this
   * round starts a new hour (or the clock went back), else null.
   */
  public synchronized Chunk record(
      long id, long second, WatchState state, boolean forged, Double local, Double control) {
    Chunk sealed = null;
    if (length > 0 && (second / 3600 != start / 3600 || second < last)) {
      sealed = seal(id);
    }
    if (length == 0) {
      start = second;
      last = second;
    }
    int here = forged ? HistoryCodec.NONE : HistoryCodec.delay(local);
    int there = HistoryCodec.delay(control);
    if (data.length - length < 16) {
      data = Arrays.copyOf(data, Math.max(32, data.length + data.length / 2 + 16));
    }
    int flags =
        state.ordinal()
            | (forged ? HistoryCodec.FORGED : 0)
            | (here != HistoryCodec.NONE ? HistoryCodec.LOCAL : 0)
            | (there != HistoryCodec.NONE ? HistoryCodec.CONTROL : 0);
    data[length++] = (byte) flags;
    length = HistoryCodec.putVarint(data, length, second - last);
    if (here != HistoryCodec.NONE) {
      data[length++] = (byte) (here >>> 8);
      data[length++] = (byte) here;
    }
    if (there != HistoryCodec.NONE) {
      data[length++] = (byte) (there >>> 8);
      data[length++] = (byte) there;
    }
    last = second;
    latestLocal = (short) here;
    latestControl = (short) there;
    return sealed;
  }

  /** The rounds held, deflated as a chunk to store, and forgotten here; null when none. */
  public synchronized Chunk seal(long id) {
    if (length == 0) {
      return null;
    }
    Chunk chunk = new Chunk(id, Chunk.ROUNDS, start, HistoryCodec.deflate(data, length));
    length = 0;
    return chunk;
  }

  /** As {@link #seal}, when the rounds held began before {@code second}; else null. */
  public synchronized Chunk sealBefore(long id, long second) {
    return length > 0 && start < second ? seal(id) : null;
  }

  /** The rounds held, oldest first. */
  public synchronized List<Stretch> rounds() {
    return length == 0 ? List.of() : HistoryCodec.rounds(start, data, length);
  }

  /** The latest round's first answer from one side, in seconds; NaN when none came. */
  public synchronized double latestSeconds(boolean here) {
    int code = here ? latestLocal : latestControl;
    return code == HistoryCodec.NONE ? Double.NaN : HistoryCodec.micros(code) / 1e6;
  }
}
