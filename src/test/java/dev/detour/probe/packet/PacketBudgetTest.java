package dev.detour.probe.packet;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PacketBudgetTest {

  @AfterEach
  void restore() {
    PacketBudget.configure(200);
  }

  @Test
  void packetsNeverLeaveFasterThanTheBudget() throws Exception {
    PacketBudget.configure(100);
    PacketBudget.acquire();
    long start = System.nanoTime();
    Thread other =
        new Thread(
            () -> {
              for (int i = 0; i < 10; i++) {
                PacketBudget.acquire();
              }
            });
    other.start();
    for (int i = 0; i < 10; i++) {
      PacketBudget.acquire();
    }
    other.join();
    // 20 packets shared by two threads at 100 per second take at least 190 ms, however shared.
    assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(190);
  }
}
