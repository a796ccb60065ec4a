package dev.detour.route.plan;

import dev.detour.targets.TargetParser;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Chooses the routes for a set of wanted prefixes: no route touches a forbidden address or is
 * shorter than the family's minimum prefix; every wanted address is covered if the budget allows,
 * else as many as it allows; at most {@code maxRoutes} routes, IPv4 and IPv6 together; and, among
 * such plans, the fewest addresses routed that are not wanted. This is exact for both families
 * ({@link Aggregator}): the Re:filter list's 44,036 IPv4 entries need 34,673 routes to carry no
 * collateral, and 17,000 routes cost about 4 % more addresses than wanted.
 *
 * <p>Each family is planned over the trie of its own wanted prefixes, which gives its least cost
 * for every number of routes; the budget is then split where the two curves' sum is least (a
 * min-plus convolution), an IPv4 address counting as much as an IPv6 one. So when the budget is
 * short the wider prefixes, in practice IPv6's, are covered first, and collateral goes where it
 * costs the fewest addresses, in practice into IPv4.
 */
public final class RoutePlanner {

  /** As for watches: no inet_aton shorthands, ranges, masks, zones, "all" or empty addresses. */
  private static final IPAddressStringParameters STRICT = TargetParser.STRICT;

  private RoutePlanner() {}

  /**
   * @throws IllegalArgumentException naming the entry, if a wanted or forbidden prefix is not an IP
   *     address or prefix
   */
  public static Plan plan(PlanInput in) {
    long began = System.nanoTime();
    Family v4 = new Family(IPv4Address.BIT_COUNT, in.minPrefixV4());
    Family v6 = new Family(IPv6Address.BIT_COUNT, in.minPrefixV6());
    List<String> wanted = in.wanted();
    for (int i = 0; i < wanted.size(); i++) {
      IPAddress block = parse(wanted.get(i), "wanted", i);
      (block.isIPv4() ? v4 : v6).wanted.add(Range.of(block, -1));
    }
    List<Fence> forbidden = in.forbidden();
    for (int i = 0; i < forbidden.size(); i++) {
      IPAddress block = parse(forbidden.get(i).prefix(), "forbidden", i);
      (block.isIPv4() ? v4 : v6).fences.add(Range.of(block, i));
    }

    Fenced fenced = new Fenced();
    Aggregator a4 = v4.aggregator(forbidden, fenced);
    Aggregator a6 = v6.aggregator(forbidden, fenced);
    int[] share = Aggregator.share(a4, a6, in.maxRoutes());
    Aggregator.Result r4 = a4.routes(share[0]);
    Aggregator.Result r6 = a6.routes(share[1]);

    List<String> routes = new ArrayList<>(r4.routes().size() + r6.routes().size());
    for (Aggregator.Block b : r4.routes()) {
      routes.add(v4.text(b.start(), b.length()));
    }
    for (Aggregator.Block b : r6.routes()) {
      routes.add(v6.text(b.start(), b.length()));
    }
    return new Plan(
        routes,
        a4.wanted().longValueExact(),
        r4.collateral().longValueExact(),
        r4.uncovered().longValueExact(),
        a6.wanted(),
        r6.collateral(),
        r6.uncovered(),
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

  /** The addresses [start, end), with a label (the fence's index, or -1). */
  private record Range(BigInteger start, BigInteger end, int label) {
    static Range of(IPAddress block, int label) {
      BigInteger start = block.getValue();
      return new Range(start, block.getUpperValue().add(BigInteger.ONE), label);
    }
  }

  private static final Comparator<Range> BY_START = Comparator.comparing(Range::start);

  /** One address family's wanted and forbidden prefixes, and how its prefixes are written. */
  private static final class Family {
    final int bits;
    final int minPrefix;
    final List<Range> wanted = new ArrayList<>();
    final List<Range> fences = new ArrayList<>();

    Family(int bits, int minPrefix) {
      this.bits = bits;
      this.minPrefix = minPrefix;
    }

    /**
     * Takes the forbidden ranges out of the wanted ones, reporting what they removed (with the
     * reason of the most specific fence), and returns the planner for the rest.
     */
    Aggregator aggregator(List<Fence> forbidden, Fenced fenced) {
      wanted.sort(BY_START);
      List<Range> merged = new ArrayList<>();
      for (Range w : wanted) {
        Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null && w.start.compareTo(last.end) <= 0) {
          merged.set(merged.size() - 1, new Range(last.start, last.end.max(w.end), -1));
        } else {
          merged.add(w);
        }
      }
      List<Range> segments = segments();

      List<Range> left = new ArrayList<>();
      int first = 0;
      for (Range w : merged) {
        while (first < segments.size() && segments.get(first).end.compareTo(w.start) <= 0) {
          first++;
        }
        BigInteger at = w.start;
        for (int g = first;
            g < segments.size() && segments.get(g).start.compareTo(w.end) < 0;
            g++) {
          Range s = segments.get(g);
          BigInteger from = at.max(s.start);
          BigInteger to = w.end.min(s.end);
          add(left, at, from, -1);
          String reason = forbidden.get(s.label).reason();
          decompose(from, to, (start, length) -> fenced.add(text(start, length), reason));
          at = to;
        }
        add(left, at, w.end, -1);
      }

      List<BigInteger> leafStart = new ArrayList<>();
      List<Integer> leafLength = new ArrayList<>();
      for (Range r : left) {
        decompose(
            r.start,
            r.end,
            (start, length) -> {
              leafStart.add(start);
              leafLength.add(length);
            });
      }
      List<Range> union = new ArrayList<>();
      for (Range s : segments) {
        Range last = union.isEmpty() ? null : union.get(union.size() - 1);
        if (last != null && last.end.equals(s.start)) {
          union.set(union.size() - 1, new Range(last.start, s.end, -1));
        } else {
          union.add(s);
        }
      }
      return new Aggregator(
          bits,
          leafStart.toArray(BigInteger[]::new),
          leafLength.stream().mapToInt(Integer::intValue).toArray(),
          union.stream().map(Range::start).toArray(BigInteger[]::new),
          union.stream().map(Range::end).toArray(BigInteger[]::new),
          minPrefix);
    }

    /**
     * The forbidden ranges as disjoint segments in order, each labelled with the most specific
     * fence over it. Prefixes nest or are disjoint, so a sweep with a stack of open fences finds
     * them.
     */
    private List<Range> segments() {
      fences.sort(BY_START.thenComparing(Range::end, Comparator.reverseOrder()));
      List<Range> segments = new ArrayList<>();
      List<Range> open = new ArrayList<>();
      BigInteger pos = BigInteger.ZERO;
      for (Range f : fences) {
        while (!open.isEmpty() && top(open).end.compareTo(f.start) <= 0) {
          Range closed = open.remove(open.size() - 1);
          add(segments, pos, closed.end, closed.label);
          pos = closed.end;
        }
        if (!open.isEmpty()) {
          Range outer = top(open);
          if (outer.start.equals(f.start) && outer.end.equals(f.end)) {
            continue; // the same prefix again: the first one's reason stands
          }
          add(segments, pos, f.start, outer.label);
        }
        pos = f.start;
        open.add(f);
      }
      while (!open.isEmpty()) {
        Range closed = open.remove(open.size() - 1);
        add(segments, pos, closed.end, closed.label);
        pos = closed.end;
      }
      return segments;
    }

    /** The fewest prefixes that make up [start, end), in order. */
    void decompose(BigInteger start, BigInteger end, BlockSink sink) {
      while (start.compareTo(end) < 0) {
        int free = start.signum() == 0 ? bits : start.getLowestSetBit();
        free = Math.min(free, end.subtract(start).bitLength() - 1);
        sink.accept(start, bits - free);
        start = start.add(BigInteger.ONE.shiftLeft(free));
      }
    }

    String text(BigInteger start, int length) {
      if (bits == IPv6Address.BIT_COUNT) {
        return new IPv6Address(start, length).toCanonicalString();
      }
      long a = start.longValue();
      return (a >>> 24)
          + "."
          + (a >>> 16 & 255)
          + "."
          + (a >>> 8 & 255)
          + "."
          + (a & 255)
          + "/"
          + length;
    }
  }

  private static Range top(List<Range> stack) {
    return stack.get(stack.size() - 1);
  }

  /** Adds [from, to) unless it is empty. */
  private static void add(List<Range> ranges, BigInteger from, BigInteger to, int label) {
    if (from.compareTo(to) < 0) {
      ranges.add(new Range(from, to, label));
    }
  }

  /** Receives one prefix of a range's CIDR decomposition. */
  private interface BlockSink {
    void accept(BigInteger start, int length);
  }

  /** The fenced prefixes: all counted, the first {@link Plan#FENCED_LIMIT} listed. */
  private static final class Fenced {
    final List<Fence> shown = new ArrayList<>();
    int count;

    void add(String prefix, String reason) {
      if (shown.size() < Plan.FENCED_LIMIT) {
        shown.add(new Fence(prefix, reason));
      }
      count++;
    }
  }
}
