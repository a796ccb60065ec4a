package dev.detour.probe;

import dev.detour.probe.packet.Route;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the parts of one probe run on at once: the SYNs of every port and shape, the HTTP
 * request of every port, the TLS probe's hellos. Each part mostly waits (for an answer or a
 * timeout), so running them side by side makes a blocked target cost one timeout, not one per part.
 * The pool grows with demand; the monitor's own concurrency bounds it.
 *
 * <p>One pool per network namespace: a thread stays in the namespace it was started from, and a new
 * pool thread is started from the thread that submits, so a probe's parts run where the probe does
 * (the lab's tests probe from several namespaces in one process). Pooled rather than new threads:
 * at 100,000 watches a minute, starting four threads per watch cost a fifth of a core.
 */
public final class ProbeThreads {

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final Map<String, Executor> POOLS = new ConcurrentHashMap<>();

  private static Executor pool() {
    return POOLS.computeIfAbsent(
        Route.namespace(),
        ns ->
            new ThreadPoolExecutor(
                0,
                Integer.MAX_VALUE,
                30,
                TimeUnit.SECONDS,
                new SynchronousQueue<>(),
                r -> {
                  Thread t = new Thread(r, "detour-probe-part-" + COUNT.incrementAndGet());
                  t.setDaemon(true);
                  return t;
                }));
  }

  private ProbeThreads() {}

  /** A part of a probe that may fail with an I/O error. */
  @FunctionalInterface
  public interface Part<T> {
    T run() throws IOException;
  }

  /**
   * Runs {@code part} on a probe thread of the calling thread's namespace; an I/O error fails the
   * future with that error.
   */
  public static <T> CompletableFuture<T> supply(Part<T> part) {
    CompletableFuture<T> future = new CompletableFuture<>();
    pool()
        .execute(
            () -> {
              try {
                future.complete(part.run());
              } catch (IOException | RuntimeException e) {
                future.completeExceptionally(e);
              }
            });
    return future;
  }

  /** Runs every part at once and returns their results in the parts' order. */
  public static <T> List<T> all(List<Part<T>> parts) throws IOException {
    if (parts.size() == 1) {
      return List.of(parts.get(0).run());
    }
    List<CompletableFuture<T>> futures = new ArrayList<>();
    Executor pool = pool();
    for (Part<T> part : parts) {
      futures.add(
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return part.run();
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              },
              pool));
    }
    List<T> results = new ArrayList<>();
    for (CompletableFuture<T> future : futures) {
      try {
        results.add(future.join());
      } catch (CompletionException e) {
        if (e.getCause() instanceof UncheckedIOException io) {
          throw io.getCause();
        }
        if (e.getCause() instanceof RuntimeException r) {
          throw r;
        }
        throw e;
      }
    }
    return results;
  }
}
