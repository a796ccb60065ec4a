package dev.detour.auth;

import io.quarkus.narayana.jta.QuarkusTransaction;
import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * "Last used" writes made beside a credential check, in a transaction of their own: one that cannot
 * be written (a full disk) is given up for a while and never refuses the credential.
 */
final class Touches {

  private static final Logger LOG = Logger.getLogger(Touches.class);

  private final Duration pause;
  private volatile Instant refusedUntil = Instant.MIN;

  Touches(Duration pause) {
    this.pause = pause;
  }

  void touch(Instant now, Runnable write, String what) {
    if (now.isBefore(refusedUntil)) {
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
}
