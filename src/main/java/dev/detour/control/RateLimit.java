package dev.detour.control;

import java.util.function.LongSupplier;

/** A token bucket: {@code perSecond} tokens a second, at most one second's worth saved up. */
final class RateLimit {

  private final double perSecond;
  private final LongSupplier nanos;
  private double tokens;
  private long last;

  RateLimit(int perSecond) {
    this(perSecond, System::nanoTime);
  }

  /** With its own clock ({@link System#nanoTime} or a test's). */
  RateLimit(int perSecond, LongSupplier nanos) {
    this.perSecond = perSecond;
    this.nanos = nanos;
    this.tokens = perSecond;
    this.last = nanos.getAsLong();
  }

  synchronized boolean tryAcquire() {
    long now = nanos.getAsLong();
    tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
