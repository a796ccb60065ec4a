package dev.detour.probe;

/**
 * Hop counts from received TTLs: senders start at 32, 64, 128 or 255, so the distance is the
 * smallest of those at or above the TTL seen, minus it. A reset whose distance differs from the
 * host's own packets did not come from the host.
 */
public final class Hops {

  private static final int[] INITIAL = {32, 64, 128, 255};

  private Hops() {}

  public static int initialTtl(int observed) {
    for (int initial : INITIAL) {
      if (observed <= initial) {
        return initial;
      }
    }
    return 255;
  }

  public static int estimate(int observed) {
    return initialTtl(observed) - observed;
  }
}
