package dev.detour.probe.packet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * When the kernel's routes, rules or addresses change, per network namespace, as a long-lived
 * {@code ip -o monitor route rule address} reports it: a route looked up stays good until the next
 * change, so a round of 100,000 addresses need not ask the kernel 100,000 times a minute.
 */
final class RouteChanges {

  private static final Logger LOG = Logger.getLogger(RouteChanges.class);

  /** Not watched: remembered routes fall back to a short life. */
  static final long UNWATCHED = -1;

  /** Until the monitor has surely subscribed, what it has not said is not trusted. */
  private static final long SETTLE_NANOS = TimeUnit.MILLISECONDS.toNanos(300);

  private static final Map<String, RouteChanges> BY_NAMESPACE = new ConcurrentHashMap<>();

  /** Generations are unique across monitors, so a restarted one never repeats an old value. */
  private static final AtomicLong GENERATIONS = new AtomicLong();

  /** A monitor that ended (or could not start) is started again after this long, not sooner. */
  private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Process process;
  private final long startedAt = System.nanoTime();
  private final long trustedFrom;
  private volatile long generation = GENERATIONS.incrementAndGet();
  private volatile boolean alive = true;

  private RouteChanges() throws IOException {
    // Started from the calling thread, so it watches that thread's network namespace.
    process =
        new ProcessBuilder(List.of("ip", "-o", "monitor", "route", "rule", "address"))
            .redirectErrorStream(true)
            .start();
    process.getOutputStream().close();
    trustedFrom = System.nanoTime() + SETTLE_NANOS;
    Thread reader = new Thread(this::read, "detour-ip-monitor");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * The calling thread's namespace's generation: it changes whenever a route, a rule or an address
   * does; {@link #UNWATCHED} when no monitor runs there (yet, or it cannot).
   */
  static long generation(String namespace) {
    RouteChanges changes = BY_NAMESPACE.get(namespace);
    if (changes == null || !changes.alive) {
      changes = start(namespace);
    }
    if (changes == null || !changes.alive || System.nanoTime() < changes.trustedFrom) {
      return UNWATCHED;
    }
    return changes.generation;
  }

  private static synchronized RouteChanges start(String namespace) {
    RouteChanges changes = BY_NAMESPACE.get(namespace);
    if (changes != null && (changes.alive || System.nanoTime() - changes.startedAt < RETRY_NANOS)) {
      return changes;
    }
    Long failed = FAILED.get(namespace);
    if (failed != null && System.nanoTime() - failed < RETRY_NANOS) {
      return null;
    }
    try {
      changes = new RouteChanges();
      BY_NAMESPACE.put(namespace, changes);
      FAILED.remove(namespace);
      return changes;
    } catch (IOException e) {
      FAILED.put(namespace, System.nanoTime());
      LOG.debugf("No ip monitor (%s): routes are remembered for seconds only", e.getMessage());
      return null;
    }
  }

  /** When starting a monitor last failed, per namespace: not tried again at every lookup. */
  private static final Map<String, Long> FAILED = new ConcurrentHashMap<>();

  private void read() {
    try (BufferedReader lines =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      while (lines.readLine() != null) {
        generation = GENERATIONS.incrementAndGet();
      }
    } catch (IOException e) {
      // Ended: what it watched is no longer trusted.
    } finally {
      alive = false;
      generation = GENERATIONS.incrementAndGet();
      process.destroy();
    }
  }

  /** Ends every monitor (benchmarks count their CPU time); the next lookup starts a new one. */
  static synchronized void closeAll() throws InterruptedException {
    for (RouteChanges changes : List.copyOf(BY_NAMESPACE.values())) {
      changes.process.destroy();
      changes.process.waitFor(5, TimeUnit.SECONDS);
    }
    BY_NAMESPACE.clear();
    FAILED.clear();
  }
}
