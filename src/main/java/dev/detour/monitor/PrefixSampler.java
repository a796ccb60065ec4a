package dev.detour.monitor;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which addresses of a prefix watch a round probes: a few per /24 (per /120 for IPv6 — the unit a
 * sub-verdict is kept for), at most {@code maxBlocks} blocks a round, the blocks taken in turn
 * round after round so a /16 is covered every few rounds instead of costing 65,536 probes each.
 * Inside a block the address rotates, except that one known to answer is probed again: a block's
 * verdict needs something alive to compare, and most addresses of a real prefix are silent.
 */
public final class PrefixSampler {

  /** One address to probe, and the block whose sub-verdict it feeds. */
  public record Sample(String block, String address) {}

  private PrefixSampler() {}

  /**
   * @param round the watch's round number (0, 1, 2, …)
   * @param responsive per block, an address that answered before (kept between rounds)
   */
  public static List<Sample> sample(
      String prefix, long round, int perBlock, int maxBlocks, Map<String, String> responsive) {
    IPAddress whole = new IPAddressString(prefix).getAddress().toPrefixBlock();
    int blockBits = whole.isIPv4() ? 24 : 120;
    int wholeBits =
        whole.getNetworkPrefixLength() == null
            ? whole.getBitCount()
            : whole.getNetworkPrefixLength();
    List<Sample> samples = new ArrayList<>();
    if (wholeBits >= blockBits) {
      addSamples(samples, whole, round, perBlock, responsive);
      return samples;
    }
    BigInteger blocks = BigInteger.ONE.shiftLeft(blockBits - wholeBits);
    int count = blocks.min(BigInteger.valueOf(maxBlocks)).intValueExact();
    BigInteger first = BigInteger.valueOf(round).multiply(BigInteger.valueOf(count)).mod(blocks);
    BigInteger base = whole.getLower().getValue();
    BigInteger blockSize = BigInteger.ONE.shiftLeft(whole.getBitCount() - blockBits);
    for (int i = 0; i < count; i++) {
      BigInteger index = first.add(BigInteger.valueOf(i)).mod(blocks);
      BigInteger start = base.add(index.multiply(blockSize));
      IPAddress block = address(whole, start).setPrefixLength(blockBits).toPrefixBlock();
      addSamples(samples, block, round, perBlock, responsive);
    }
    return samples;
  }

  private static void addSamples(
      List<Sample> samples, IPAddress block, long round, int perBlock, Map<String, String> known) {
    String name = block.toCanonicalString();
    BigInteger size = block.getCount();
    // Skip the network and broadcast addresses of blocks big enough to have them.
    long usable =
        size.compareTo(BigInteger.valueOf(4)) >= 0 ? size.longValue() - 2 : size.longValue();
    long offset = size.compareTo(BigInteger.valueOf(4)) >= 0 ? 1 : 0;
    String alive = known.get(name);
    int wanted = (int) Math.min(perBlock, usable);
    if (alive != null) {
      samples.add(new Sample(name, alive));
      wanted--;
    }
    BigInteger low = block.getLower().getValue();
    // A stride coprime with the block size visits every address before repeating.
    long stride = 97;
    for (int i = 0; i < wanted; i++) {
      long pick = Math.floorMod((round * perBlock + i) * stride + name.hashCode(), usable) + offset;
      String address =
          address(block, low.add(BigInteger.valueOf(pick)))
              .withoutPrefixLength()
              .toCanonicalString();
      if (!address.equals(alive)) {
        samples.add(new Sample(name, address));
      }
    }
  }

  private static IPAddress address(IPAddress like, BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] fixed = new byte[like.getByteCount()];
    int copy = Math.min(bytes.length, fixed.length);
    System.arraycopy(bytes, bytes.length - copy, fixed, fixed.length - copy, copy);
    return like.isIPv4() ? new IPv4Address(fixed) : new IPv6Address(fixed);
  }
}
