package dev.detour.history;

/**
 * One stored row of history: a watch's rounds of one clock hour ({@link #ROUNDS}, from the first
 * round's second), or its five-minute buckets of one UTC day ({@link #BUCKETS}, from the day's
 * first second); {@code data} deflated.
 */
public record Chunk(long watchId, int tier, long startAt, byte[] data) {

  public static final int ROUNDS = 0;
  public static final int BUCKETS = 1;
}
