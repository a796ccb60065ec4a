package dev.detour.probe.packet;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What raw probes wait on instead of a thread each: one timer for every exchange's next packet,
 * deadline and linger, and two threads for the work a timer must not do (sending, which the packet
 * budget may pause; closing exchanges; writing pcap files). At 100,000 targets a minute a thread
 * per target cost more than the packets.
 *
 * <p>Neither depends on a network namespace: sending goes through an exchange's own capture handle,
 * opened where the probe started.
 */
public final class ProbeClock {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private static final ExecutorService WORK =
      new ThreadPoolExecutor(
          2,
          2,
          30,
          TimeUnit.SECONDS,
          new LinkedBlockingQueue<>(),
          r -> {
            Thread t = new Thread(r, "detour-probe-work");
            t.setDaemon(true);
            return t;
          });

  private ProbeClock() {}

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "detour-probe-timer");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    return timer;
  }

  /** Runs {@code work} on a work thread after {@code nanos}. */
  public static ScheduledFuture<?> later(long nanos, Runnable work) {
    return TIMER.schedule(() -> WORK.execute(work), nanos, TimeUnit.NANOSECONDS);
  }

  /** Waits for a probe started without a thread: its I/O error as thrown by the probe. */
  public static <T> T await(CompletableFuture<T> future) throws IOException {
    try {
      return future.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof IOException io) {
        throw io;
      }
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Runs {@code work} on a work thread now. */
  public static void now(Runnable work) {
    WORK.execute(work);
  }
}
