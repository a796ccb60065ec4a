package dev.detour.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * "Last used" writes made beside a credential check, in a transaction of their own: one that cannot
 * be written (a full disk) is given up for a while and never refuses the credential. One request
 * per credential and period writes: when the minute turned, every request under way with the same
 * token tried to update its one row at once, each waiting for the one before (16 clients of a
 * benchmark: requests over 2 s).
 */
final class Touches {

  private static final Logger LOG = Logger.getLogger(Touches.class);

  private final Duration pause;
  private volatile Instant refusedUntil = Instant.MIN;

  /** When each credential's write was last claimed. */
  private final Map<Object, Instant> claimed = new ConcurrentHashMap<>();

  Touches(Duration pause) {
    this.pause = pause;
  }

  /** Writes {@code write} unless another request has claimed {@code key}'s write this period. */
  void touch(Object key, Instant now, Runnable write, String what) {
    if (now.isBefore(refusedUntil) || !claim(key, now)) {
      return;
    }
    try {
      QuarkusTransaction.requiringNew().run(write);
    } catch (RuntimeException e) {
      refusedUntil = now.plus(pause);
      LOG.warnf(
          "Could not record when %s was last used (%s); not trying for %s",
          what, e.getMessage(), pause);
    }
  }

  boolean claim(Object key, Instant now) {
    Instant[] won = new Instant[1];
    claimed.compute(
        key, (k, last) -> last != null && now.isBefore(last.plus(pause)) ? last : (won[0] = now));
    if (claimed.size() > 10_000) {
      claimed.values().removeIf(at -> !now.isBefore(at.plus(pause)));
    }
    return won[0] != null;
  }
}
