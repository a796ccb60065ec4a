package dev.detour.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition until it holds, failing with what was awaited after a bounded time. */
public final class Await {

  private Await() {}

  /** Polls {@code done} every {@code every} until it holds, at most {@code limit}. */
  public static void until(Duration limit, Duration every, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(every.toMillis());
    }
    throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
  }

  /** Polls every 200 ms. */
  public static void until(Duration limit, BooleanSupplier done, String what)
      throws InterruptedException {
    until(limit, Duration.ofMillis(200), done, what);
  }
}
