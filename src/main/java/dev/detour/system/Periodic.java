package dev.detour.system;

import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * This node's housekeeping that repeats every so often — planning rounds, writing status, sending
 * alerts, telling browsers, expiring sessions — timed by the monotonic clock. Quarkus's in-memory
 * scheduler compares wall-clock times, so when the clock goes back an hour (NTP correcting a box
 * that booted with a wrong date) an {@code every = "5s"} job waits an hour; these do not. A job
 * runs {@code every} after its previous run ended (never two at once), on a thread of its own, with
 * a request context as a scheduled method has; a failure is logged and the job goes on.
 */
@ApplicationScoped
public class Periodic {

  private static final Logger LOG = Logger.getLogger(Periodic.class);

  private final List<ScheduledExecutorService> jobs = new CopyOnWriteArrayList<>();
  private volatile boolean stopping;

  /** Runs {@code job} {@code first} from now, then {@code every} after each run ends. */
  public void every(String name, Duration first, Duration every, Runnable job) {
    ScheduledExecutorService executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, name);
              t.setDaemon(true);
              return t;
            });
    jobs.add(executor);
    // Failures in a row; touched by the job's own thread only.
    int[] failures = new int[1];
    executor.scheduleWithFixedDelay(
        () -> run(name, job, failures), first.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void run(String name, Runnable job, int[] failures) {
    if (stopping) {
      return;
    }
    ManagedContext request = Arc.container().requestContext();
    request.activate();
    try {
      job.run();
      if (failures[0] > 0) {
        LOG.infof("%s works again after %d failed runs", name, failures[0]);
        failures[0] = 0;
      }
    } catch (RuntimeException e) {
      // A job that runs every second while the database is away would fill the log: the first
      // failure of a streak is told in full, the rest only counted.
      if (!stopping && failures[0]++ == 0) {
        LOG.warnf(e, "%s failed; it runs again at its next turn", name);
      } else {
        LOG.debugf(e, "%s failed again", name);
      }
    } finally {
      request.terminate();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    jobs.forEach(ScheduledExecutorService::shutdownNow);
  }
}
