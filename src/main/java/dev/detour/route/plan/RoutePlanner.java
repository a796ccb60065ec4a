package dev.detour.route.plan;

import dev.detour.targets.TargetParser;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the routes for a set of wanted prefixes: no route touches a forbidden address or is
 * shorter than the minimum prefix; every wanted address is covered if the budget allows, else as
 * many as it allows; at most {@code maxRoutes} routes; and, among such plans, the fewest addresses
 * routed that are not wanted. For IPv4 this is exact ({@link Aggregator}): the Re:filter list's
 * 44,036 entries need 34,673 routes to carry no collateral, and 17,000 routes cost about 4 % more
 * addresses than wanted.
 *
 * <p>IPv6 is not aggregated: forbidden prefixes are subtracted, duplicate and contained prefixes
 * dropped and complete sibling pairs merged (the exact cover, no collateral), and prefixes shorter
 * than {@code minPrefixV6} split. Its routes count against the budget first (the widest first if
 * they do not all fit), and IPv4 is planned with the rest.
 */
public final class RoutePlanner {

  /** As for watches: no inet_aton shorthands, ranges, masks, zones, "all" or empty addresses. */
  private static final IPAddressStringParameters STRICT = TargetParser.STRICT;

  private static final Comparator<IPAddress> BY_ADDRESS =
      Comparator.comparing(IPAddress::getValue)
          .thenComparing(IPAddress::getNetworkPrefixLength, Comparator.reverseOrder());

  private RoutePlanner() {}

  /**
   * @throws IllegalArgumentException naming the entry, if a wanted or forbidden prefix is not an IP
   *     address or prefix
   */
  public static Plan plan(PlanInput in) {
    long began = System.nanoTime();
    List<String> wantedText = in.wanted();
    long[] wanted4 = new long[wantedText.size()]; // start << 6 | length
    int count4 = 0;
    List<IPv6Address> wanted6 = new ArrayList<>();
    for (int i = 0; i < wantedText.size(); i++) {
      IPAddress block = parse(wantedText.get(i), "wanted", i);
      if (block.isIPv4()) {
        wanted4[count4++] = start4(block) << 6 | block.getNetworkPrefixLength();
      } else {
        wanted6.add(block.toIPv6());
      }
    }
    List<Fence> forbidden = in.forbidden();
    List<Integer> fences4 = new ArrayList<>();
    List<IPv6Address> fence6Blocks = new ArrayList<>();
    List<String> fence6Reasons = new ArrayList<>();
    IPAddress[] fenceBlocks = new IPAddress[forbidden.size()];
    for (int i = 0; i < forbidden.size(); i++) {
      fenceBlocks[i] = parse(forbidden.get(i).prefix(), "forbidden", i);
      if (fenceBlocks[i].isIPv4()) {
        fences4.add(i);
      } else {
        fence6Blocks.add(fenceBlocks[i].toIPv6());
        fence6Reasons.add(forbidden.get(i).reason());
      }
    }

    Fenced fenced = new Fenced();
    V6 v6 = planV6(wanted6, fence6Blocks, fence6Reasons, in.minPrefixV6(), in.maxRoutes());
    Sides sides = v4Sides(Arrays.copyOf(wanted4, count4), fences4, fenceBlocks, forbidden);
    for (int p = 0; p < sides.fencedStart.length; p++) {
      fenced.add4(sides.fencedStart[p], sides.fencedEnd[p], sides.fencedReason[p]);
    }
    for (V6Fenced f : v6.fenced) {
      fenced.add(f.block.toCanonicalString(), f.reason);
    }

    Leaves leaves = new Leaves();
    long wantedAddresses = 0;
    for (int r = 0; r < sides.leftStart.length; r++) {
      wantedAddresses += sides.leftEnd[r] - sides.leftStart[r];
      decompose(sides.leftStart[r], sides.leftEnd[r], leaves);
    }
    Aggregator aggregator =
        new Aggregator(
            Arrays.copyOf(leaves.start, leaves.size),
            Arrays.copyOf(leaves.length, leaves.size),
            sides.fenceStart,
            sides.fenceEnd,
            in.minPrefixV4());
    Aggregator.Result result = aggregator.solve(in.maxRoutes() - v6.routes.size());

    List<String> routes = new ArrayList<>(result.routes().size() + v6.routes.size());
    for (Aggregator.Block b : result.routes()) {
      routes.add(v4(b.start(), b.length()));
    }
    for (IPv6Address b : v6.routes) {
      routes.add(b.toCanonicalString());
    }
    return new Plan(
        routes,
        wantedAddresses,
        result.collateral(),
        result.uncovered(),
        v6.uncoveredRoutes,
        fenced.shown,
        fenced.count,
        System.nanoTime() - began);
  }

  private static IPAddress parse(String text, String list, int index) {
    IPAddress address = new IPAddressString(text.strip(), STRICT).getAddress();
    if (address == null) {
      throw new IllegalArgumentException(
          list + " entry " + (index + 1) + " is not an IP address or prefix: \"" + text + "\"");
    }
    Integer length = address.getNetworkPrefixLength();
    return address.toPrefixBlock(length == null ? address.getBitCount() : length);
  }

  private static long start4(IPAddress block) {
    return block.getLower().toIPv4().longValue();
  }

  /**
   * The IPv4 side: the wanted ranges left once the forbidden ones are out, the wanted ranges they
   * removed (with the reason of the most specific fence), and the forbidden ranges merged, all
   * ascending with exclusive ends.
   */
  private record Sides(
      long[] leftStart,
      long[] leftEnd,
      long[] fencedStart,
      long[] fencedEnd,
      String[] fencedReason,
      long[] fenceStart,
      long[] fenceEnd) {}

  private static Sides v4Sides(
      long[] wanted, List<Integer> fences, IPAddress[] fenceBlocks, List<Fence> forbidden) {
    Arrays.sort(wanted);
    long[] ws = new long[wanted.length];
    long[] we = new long[wanted.length];
    int m = 0;
    for (long w : wanted) {
      long s = w >>> 6;
      long e = s + (1L << (32 - (int) (w & 63)));
      if (m > 0 && s <= we[m - 1]) {
        we[m - 1] = Math.max(we[m - 1], e);
      } else {
        ws[m] = s;
        we[m] = e;
        m++;
      }
    }

    // The forbidden ranges as disjoint segments, each named by the most specific fence over it.
    // Prefixes nest or are disjoint, so a sweep with a stack of open fences finds them.
    int nf = fences.size();
    long[] fs = new long[nf];
    long[] fe = new long[nf];
    for (int f = 0; f < nf; f++) {
      IPAddress block = fenceBlocks[fences.get(f)];
      fs[f] = start4(block);
      fe[f] = fs[f] + (1L << (32 - block.getNetworkPrefixLength()));
    }
    Integer[] order = new Integer[nf];
    Arrays.setAll(order, f -> f);
    Arrays.sort(
        order,
        Comparator.<Integer>comparingLong(f -> fs[f])
            .thenComparing(f -> fe[f], Comparator.reverseOrder()));
    Segments segments = new Segments(2 * nf + 1);
    int[] open = new int[nf];
    int sp = 0;
    long pos = 0;
    for (int f : order) {
      while (sp > 0 && fe[open[sp - 1]] <= fs[f]) {
        int top = open[--sp];
        segments.add(pos, fe[top], top);
        pos = fe[top];
      }
      if (sp > 0) {
        int top = open[sp - 1];
        if (fs[top] == fs[f] && fe[top] == fe[f]) {
          continue; // the same prefix again: the first one's reason stands
        }
        segments.add(pos, fs[f], top);
      }
      pos = fs[f];
      open[sp++] = f;
    }
    while (sp > 0) {
      int top = open[--sp];
      segments.add(pos, fe[top], top);
      pos = fe[top];
    }

    Segments left = new Segments(m + segments.size);
    Segments removed = new Segments(segments.size + m);
    int first = 0;
    for (int w = 0; w < m; w++) {
      while (first < segments.size && segments.end[first] <= ws[w]) {
        first++;
      }
      long at = ws[w];
      for (int g = first; g < segments.size && segments.start[g] < we[w]; g++) {
        long from = Math.max(at, segments.start[g]);
        long to = Math.min(we[w], segments.end[g]);
        left.add(at, from, -1);
        removed.add(from, to, segments.label[g]);
        at = to;
      }
      left.add(at, we[w], -1);
    }

    String[] reasons = new String[removed.size];
    for (int r = 0; r < removed.size; r++) {
      reasons[r] = forbidden.get(fences.get(removed.label[r])).reason();
    }
    Segments union = new Segments(segments.size);
    for (int g = 0; g < segments.size; g++) {
      if (union.size > 0 && union.end[union.size - 1] == segments.start[g]) {
        union.end[union.size - 1] = segments.end[g];
      } else {
        union.add(segments.start[g], segments.end[g], -1);
      }
    }
    return new Sides(
        Arrays.copyOf(left.start, left.size),
        Arrays.copyOf(left.end, left.size),
        Arrays.copyOf(removed.start, removed.size),
        Arrays.copyOf(removed.end, removed.size),
        reasons,
        Arrays.copyOf(union.start, union.size),
        Arrays.copyOf(union.end, union.size));
  }

  /** Ranges [start, end) in order, each with a label; empty ones are not kept. */
  private static final class Segments {
    final long[] start;
    final long[] end;
    final int[] label;
    int size;

    Segments(int capacity) {
      start = new long[capacity];
      end = new long[capacity];
      label = new int[capacity];
    }

    void add(long from, long to, int labelled) {
      if (from < to) {
        start[size] = from;
        end[size] = to;
        label[size] = labelled;
        size++;
      }
    }
  }

  /** Receives one prefix of a range's CIDR decomposition. */
  private interface BlockSink {
    void accept(long start, int length);
  }

  /** The wanted IPv4 blocks, in order. */
  private static final class Leaves implements BlockSink {
    long[] start = new long[64];
    int[] length = new int[64];
    int size;

    @Override
    public void accept(long first, int prefixLength) {
      if (size == start.length) {
        start = Arrays.copyOf(start, 2 * size);
        length = Arrays.copyOf(length, 2 * size);
      }
      start[size] = first;
      length[size] = prefixLength;
      size++;
    }
  }

  /** The fewest prefixes that make up [start, end), in order. */
  private static void decompose(long start, long end, BlockSink sink) {
    while (start < end) {
      int bits = start == 0 ? 32 : Long.numberOfTrailingZeros(start);
      bits = Math.min(bits, 63 - Long.numberOfLeadingZeros(end - start));
      sink.accept(start, 32 - bits);
      start += 1L << bits;
    }
  }

  private static String v4(long start, int length) {
    return (start >>> 24)
        + "."
        + (start >>> 16 & 255)
        + "."
        + (start >>> 8 & 255)
        + "."
        + (start & 255)
        + "/"
        + length;
  }

  /** The fenced prefixes: all counted, the first {@link Plan#FENCED_LIMIT} listed. */
  private static final class Fenced {
    final List<Fence> shown = new ArrayList<>();
    int count;

    void add4(long start, long end, String reason) {
      decompose(start, end, (s, len) -> add(v4(s, len), reason));
    }

    void add(String prefix, String reason) {
      if (shown.size() < Plan.FENCED_LIMIT) {
        shown.add(new Fence(prefix, reason));
      }
      count++;
    }
  }

  private record V6Fenced(IPv6Address block, String reason) {}

  private record V6(List<IPv6Address> routes, long uncoveredRoutes, List<V6Fenced> fenced) {}

  private static V6 planV6(
      List<IPv6Address> wanted,
      List<IPv6Address> fences,
      List<String> reasons,
      int minPrefix,
      int budget) {
    if (wanted.isEmpty()) {
      return new V6(List.of(), 0, List.of());
    }
    IPv6Address[] others = wanted.subList(1, wanted.size()).toArray(new IPv6Address[0]);
    List<IPv6Address> left =
        new ArrayList<>(Arrays.asList(wanted.get(0).mergeToPrefixBlocks(others)));
    // The most specific fence first, so that it names what it removes.
    Integer[] order = new Integer[fences.size()];
    Arrays.setAll(order, f -> f);
    Arrays.sort(order, Comparator.comparing(f -> -fences.get(f).getNetworkPrefixLength()));
    List<V6Fenced> fenced = new ArrayList<>();
    for (int f : order) {
      IPv6Address fence = fences.get(f);
      List<IPv6Address> next = new ArrayList<>();
      for (IPv6Address block : left) {
        IPv6Address both = block.intersect(fence);
        if (both == null) {
          next.add(block);
          continue;
        }
        fenced.add(new V6Fenced(both, reasons.get(f)));
        IPv6Address[] rest = block.subtract(fence);
        if (rest != null) {
          for (IPv6Address r : rest) {
            next.addAll(Arrays.asList(r.spanWithPrefixBlocks()));
          }
        }
      }
      left = next;
    }
    fenced.sort(Comparator.comparing(V6Fenced::block, BY_ADDRESS));

    // The widest routes first: if not all fit, they cover the most addresses.
    left.sort(Comparator.comparing(IPv6Address::getNetworkPrefixLength).thenComparing(BY_ADDRESS));
    List<IPv6Address> routes = new ArrayList<>();
    long uncovered = 0;
    long room = budget;
    for (IPv6Address block : left) {
      int split = Math.max(0, minPrefix - block.getNetworkPrefixLength());
      long pieces = split >= 63 ? Long.MAX_VALUE : 1L << split;
      long taken = Math.min(pieces, room);
      room -= taken;
      long missed = pieces - taken;
      uncovered = uncovered > Long.MAX_VALUE - missed ? Long.MAX_VALUE : uncovered + missed;
      for (long p = 0; p < taken; p++) {
        routes.add(split == 0 ? block : piece(block, p, minPrefix));
      }
    }
    routes.sort(BY_ADDRESS);
    return new V6(routes, uncovered, fenced);
  }

  /** The p-th prefix of length {@code length} inside {@code block}. */
  private static IPv6Address piece(IPv6Address block, long p, int length) {
    BigInteger offset = BigInteger.valueOf(p).shiftLeft(128 - length);
    return new IPv6Address(block.getValue().add(offset), length);
  }
}
