package dev.detour.probe.packet;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * The packets {@link HandParsingTest} and {@link HandParsingV6Test} craft and mangle, written once
 * for both address families: the same SYNs, RST, ACK, data and echo between two addresses of either
 * family.
 */
final class CraftedPackets {

  static final byte[] OWN = {2, 0, 0, 0, 0, 1};
  static final byte[] NEXT = {2, 0, 0, 0, 0, 2};

  private CraftedPackets() {}

  /**
   * Each SYN shape twice, a RST, an ACK, one data segment a payload, and an echo request, from
   * {@code a} to {@code b}.
   */
  static List<byte[]> crafted(InetAddress a, InetAddress b, List<byte[]> payloads) {
    List<byte[]> all = new ArrayList<>();
    for (SynShape shape : SynShape.values()) {
      all.add(Frames.syn(a, b, 61000, 443, 0xfedcba98L, shape, 64));
      all.add(Frames.syn(a, b, 61999, 80, 1, shape, 3));
    }
    all.add(Frames.rst(a, b, 61000, 443, 0xfedcba99L));
    all.add(Frames.ack(a, b, 61000, 443, 7, 0xffffffffL));
    for (byte[] payload : payloads) {
      all.add(Frames.data(a, b, 61000, 80, 7, 9, 5, payload));
    }
    all.add(Frames.echo(a, b, 0xbeef, 3, 64));
    return all;
  }

  /** One of the seeds, cut short half the time and with up to three bytes overwritten. */
  static byte[] mangled(Random random, List<byte[]> seeds) {
    byte[] b = seeds.get(random.nextInt(seeds.size())).clone();
    int cut = random.nextInt(b.length + 1);
    b = Arrays.copyOf(b, random.nextBoolean() ? cut : b.length);
    for (int k = random.nextInt(4); k > 0 && b.length > 0; k--) {
      b[random.nextInt(b.length)] = (byte) random.nextInt(256);
    }
    return b;
  }
}
