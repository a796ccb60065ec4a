package dev.detour.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** One request per credential and minute writes its "last used", however many come at once. */
class TouchesTest {

  @Test
  void oneClaimPerCredentialAndPeriodAmongConcurrentRequests() throws Exception {
    Touches touches = new Touches(Duration.ofMinutes(1));
    Instant now = Instant.parse("2026-12-07T10:00:30Z");
    AtomicInteger won = new AtomicInteger();
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      for (int i = 0; i < 16; i++) {
        pool.execute(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              if (touches.claim(7L, now)) {
                won.incrementAndGet();
              }
            });
      }
      go.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(won).hasValue(1);
    assertThat(touches.claim(8L, now)).as("another token").isTrue();
    assertThat(touches.claim(7L, now.plusSeconds(59))).as("within the minute").isFalse();
    assertThat(touches.claim(7L, now.plusSeconds(60))).as("the next minute").isTrue();
  }
}
