package dev.detour.probe.packet;

import java.util.concurrent.locks.LockSupport;

/**
 * The packets-per-second budget every raw probe shares ({@code detour.probe.packets-per-second}): a
 * thousand watches probed at once must not flood the uplink or look like a scan to the ISP.
 */
public final class PacketBudget {

  private static long nanosPerPacket = 1_000_000_000L / 200;
  private static long next;

  private PacketBudget() {}

  public static synchronized void configure(int packetsPerSecond) {
    nanosPerPacket = 1_000_000_000L / packetsPerSecond;
  }

  /** Waits until the budget allows one more packet. */
  static void acquire() {
    long wait;
    synchronized (PacketBudget.class) {
      long now = System.nanoTime();
      long at = Math.max(now, next);
      next = at + nanosPerPacket;
      wait = at - now;
    }
    if (wait > 0) {
      LockSupport.parkNanos(wait);
    }
  }
}
