package dev.detour.api;

import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.jboss.logging.Logger;

/**
 * A read asked again, a few times, on fresh connections when the embedded database was closed under
 * it. H2 closes the whole database on a write it cannot make (a full disk) — a background job's
 * lock, Quartz's check-in, a round's results, about once a second — and every connection dies with
 * it, the readers' too, although a new connection opens the file again and reads at once. Only
 * reads go through here: a refused change is the client's to see.
 */
public final class ReadRetry {

  private static final Logger LOG = Logger.getLogger(ReadRetry.class);

  /** Tries in all. */
  static final int ATTEMPTS = 4;

  private static final long PAUSE_MILLIS = 50;

  private ReadRetry() {}

  /** {@code read}'s answer, asked again while the embedded database reopens. */
  public static <T> T call(String what, Callable<T> read) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return read.call();
      } catch (Exception e) {
        // A commit that failed may reach here as the transaction manager's own exception with the
        // database's reason dropped: the data directory's free space then tells.
        if (attempt == ATTEMPTS
            || !(Problems.embeddedDatabaseClosed(e)
                || (fromTheDatabase(e) && Problems.embeddedDiskFull()))) {
          throw e;
        }
        LOG.debugf(
            "The embedded database closed under %s (attempt %d): reading again on a fresh"
                + " connection",
            what, attempt);
        Problems.renewConnections();
        Thread.sleep(PAUSE_MILLIS * attempt);
      }
    }
  }

  /**
   * Whether a failure came from the database or the transaction around it, not from the request (a
   * 404 or a bad parameter is the answer, however full the disk).
   */
  private static boolean fromTheDatabase(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String name = cause.getClass().getName();
      if (cause instanceof java.sql.SQLException
          || name.startsWith("jakarta.transaction.")
          || name.startsWith("jakarta.persistence.")
          || name.startsWith("org.hibernate.")
          || name.startsWith("com.arjuna.")) {
        return true;
      }
    }
    return false;
  }

  /** The same for a read that throws nothing checked. */
  public static <T> T get(String what, Supplier<T> read) {
    try {
      return call(what, read::get);
    } catch (RuntimeException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + what, e);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
