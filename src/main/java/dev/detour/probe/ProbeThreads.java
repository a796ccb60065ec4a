package dev.detour.probe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads the parts of one probe run on at once: the SYNs of every port and shape, the HTTP
 * request of every port, the three TLS handshakes. Each part mostly waits (for an answer or a
 * timeout), so running them side by side makes a blocked target cost one timeout, not one per part.
 * The pool grows with demand; the monitor's own concurrency bounds it.
 */
public final class ProbeThreads {

  private static final AtomicInteger COUNT = new AtomicInteger();
  private static final Executor FRESH_THREAD =
      r -> {
        Thread t = new Thread(r, "detour-probe-part-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        t.start();
      };

  private ProbeThreads() {}

  /** A part of a probe that may fail with an I/O error. */
  @FunctionalInterface
  public interface Part<T> {
    T run() throws IOException;
  }

  /** Runs every part at once and returns their results in the parts' order. */
  public static <T> List<T> all(List<Part<T>> parts) throws IOException {
    if (parts.size() == 1) {
      return List.of(parts.get(0).run());
    }
    List<CompletableFuture<T>> futures = new ArrayList<>();
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
              FRESH_THREAD));
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
