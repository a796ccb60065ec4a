package dev.detour.probe.packet;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The source ports raw TCP probes send from: outside Linux's ephemeral range (32768–60999), so no
 * socket of this host's uses them, and the capture and the kernel guard can tell the probes'
 * answers by port alone.
 */
public final class ProbePorts {

  public static final int FIRST = 61000;
  public static final int COUNT = 1000;

  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(COUNT));

  private ProbePorts() {}

  /** The next source port, round the range: fresh for every SYN. */
  public static int next() {
    return FIRST + Math.floorMod(NEXT.getAndIncrement(), COUNT);
  }

  /** The last port of the range. */
  public static int last() {
    return FIRST + COUNT - 1;
  }

  /** The range as nftables and BPF filters write it: {@code 61000-61999}. */
  public static String range() {
    return FIRST + "-" + last();
  }
}
