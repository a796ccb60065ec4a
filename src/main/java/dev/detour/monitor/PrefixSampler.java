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
 * Which addresses of a prefix watch a round probes: a few per block — the unit a sub-verdict is
 * kept for — at most {@code maxBlocks} blocks a round, the blocks taken in turn round after round
 * so a /16 is covered every few rounds instead of costing 65,536 probes each. Inside a block the
 * address rotates, except that one known to answer is probed again: a block's verdict needs
 * something alive to compare, and most addresses of a real prefix are silent.
 *
 * <p>An IPv4 block is a /24. IPv6 cannot be swept — a /64 alone has 2^64 addresses, nearly all
 * unused — so its blocks are what is allocated and numbered: a /48 (a site) in a prefix shorter
 * than /48 (a /48 is one), else a /64 (a subnet) in one shorter than /64, else the prefix itself;
 * and inside a block the samples are where hosts are numbered by hand: the low subnets of a /48
 * (the first 16) and the low interface ids of a /64 ({@code ::1} to {@code ::100}). A round of a
 * /32 is then {@code maxBlocks × perBlock} probes (256 with the defaults) and its 65,536 /48s take
 * 256 rounds.
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
    int wholeBits =
        whole.getNetworkPrefixLength() == null
            ? whole.getBitCount()
            : whole.getNetworkPrefixLength();
    int blockBits = whole.isIPv4() ? 24 : wholeBits <= 48 ? 48 : 64;
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
    if (block.isIPv6()
        && block.getNetworkPrefixLength() != null
        && block.getNetworkPrefixLength() <= 64) {
      addNumberedSamples(samples, block, round, perBlock, known);
      return;
    }
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

  /** Low interface ids tried in a /64, and low subnets tried in a /48 (or a /49…/63). */
  private static final int LOW_HOSTS = 256;

  private static final int LOW_SUBNETS = 16;

  /**
   * IPv6 samples where people number hosts: in each of the block's first subnets ({@code ::/64},
   * {@code 1::/64} … of a /48), the interface ids {@code ::1}, {@code ::2} … in turn.
   */
  private static void addNumberedSamples(
      List<Sample> samples, IPAddress block, long round, int perBlock, Map<String, String> known) {
    String name = block.toCanonicalString();
    String alive = known.get(name);
    int wanted = perBlock;
    if (alive != null) {
      samples.add(new Sample(name, alive));
      wanted--;
    }
    int subnetBits = 64 - block.getNetworkPrefixLength();
    long subnets = subnetBits == 0 ? 1 : Math.min(LOW_SUBNETS, 1L << Math.min(subnetBits, 62));
    BigInteger low = block.getLower().getValue();
    for (int i = 0; i < wanted; i++) {
      long pick = round * perBlock + i;
      long subnet = Math.floorMod(pick, subnets);
      long host = 1 + Math.floorMod(pick / subnets, LOW_HOSTS);
      BigInteger value =
          low.add(BigInteger.valueOf(subnet).shiftLeft(64)).add(BigInteger.valueOf(host));
      String address = address(block, value).withoutPrefixLength().toCanonicalString();
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
