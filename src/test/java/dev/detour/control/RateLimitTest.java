package dev.detour.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The agent's token bucket on a clock the test moves: no sleeps, no timing luck. */
class RateLimitTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final RateLimit limit = new RateLimit(5, now::get);

  private int admitted(int tries) {
    int n = 0;
    for (int i = 0; i < tries; i++) {
      n += limit.tryAcquire() ? 1 : 0;
    }
    return n;
  }

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000L);
  }

  @Test
  void aBurstGetsOneSecondsWorthAndNoMore() {
    assertThat(admitted(100)).isEqualTo(5);
    assertThat(limit.tryAcquire()).isFalse();
  }

  @Test
  void requestsComeBackAtTheRate() {
    admitted(5);
    advanceMillis(199);
    assertThat(limit.tryAcquire()).as("not yet a fifth of a second").isFalse();
    advanceMillis(2);
    assertThat(limit.tryAcquire()).as("one token a fifth of a second").isTrue();
    assertThat(limit.tryAcquire()).isFalse();
    advanceMillis(600);
    assertThat(admitted(10)).isEqualTo(3);
  }

  @Test
  void aLongQuietSavesUpOnlyOneSecond() {
    admitted(5);
    advanceMillis(3_600_000);
    assertThat(admitted(100)).isEqualTo(5);
  }

  @Test
  void aSteadyCallerAtTheRateIsNeverRefused() {
    admitted(5);
    for (int i = 0; i < 1000; i++) {
      advanceMillis(200);
      assertThat(limit.tryAcquire()).as("request %d at 5/s", i).isTrue();
    }
  }
}
