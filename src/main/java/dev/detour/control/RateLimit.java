package dev.detour.control;

/** A token bucket: {@code perSecond} tokens a second, at most one second's worth saved up. */
final class RateLimit {

  private final double perSecond;
  private double tokens;
  private long last = System.nanoTime();

  RateLimit(int perSecond) {
    this.perSecond = perSecond;
    this.tokens = perSecond;
  }

  synchronized boolean tryAcquire() {
    long now = System.nanoTime();
    tokens = Math.min(perSecond, tokens + (now - last) / 1e9 * perSecond);
    last = now;
    if (tokens < 1) {
      return false;
    }
    tokens -= 1;
    return true;
  }
}
