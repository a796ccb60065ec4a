package dev.detour.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Polls a condition until it holds, failing with what was awaited after a bounded time. */
public final class Await {

  private Await() {}

  /**
   * Polls {@code done} every {@code every} until it holds, at most {@code limit}; a failure says
   * what was awaited and what {@code seen} tells of the state of things then.
   *
   * @return how long it took
   */
  public static Duration until(
      Duration limit, Duration every, BooleanSupplier done, String what, Supplier<String> seen)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      Thread.sleep(every.toMillis());
    }
    String detail = seen.get();
    throw new AssertionError(
        "waited " + limit.toSeconds() + " s for " + what + (detail.isEmpty() ? "" : "; " + detail));
  }

  /** Polls {@code done} every {@code every} until it holds, at most {@code limit}. */
  public static Duration until(Duration limit, Duration every, BooleanSupplier done, String what)
      throws InterruptedException {
    return until(limit, every, done, what, () -> "");
  }

  /** Polls every 200 ms. */
  public static Duration until(Duration limit, BooleanSupplier done, String what)
      throws InterruptedException {
    return until(limit, Duration.ofMillis(200), done, what);
  }
}
