package dev.detour.route.plan;

import dev.detour.targets.TargetParser;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IPAddressStringParameters;
import inet.ipaddr.ipv4.IPv4Address;
import inet.ipaddr.ipv6.IPv6Address;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

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
    checkBudget(in, a4.routesToCover(), a6.routesToCover());
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

  /**
   * Refuses a budget that would have the planner tabulate or list more than {@link
   * PlanInput#MAX_ROUTES} routes: the least of the budget and the routes that cover every wanted
   * address without collateral.
   */
  private static void checkBudget(PlanInput in, long cover4, long cover6) {
    long cover = cover4 + cover6 < 0 ? Long.MAX_VALUE : cover4 + cover6;
    if (Math.min(in.maxRoutes(), cover) <= PlanInput.MAX_ROUTES) {
      return;
    }
    String needed =
        cover == Long.MAX_VALUE ? "more than 2^63" : String.format(Locale.ROOT, "%,d", cover);
    throw new IllegalArgumentException(
        String.format(
            Locale.ROOT,
            "a budget of %,d routes is more than a plan can hold: covering every wanted address"
                + " takes %s routes no shorter than /%d (IPv4) and /%d (IPv6). Give at most"
                + " %,d routes (the most max-routes allows) and the rest is reported as"
                + " uncovered addresses, or lower the minimum prefix lengths so that fewer,"
                + " wider routes cover them",
            in.maxRoutes(),
            needed,
            in.minPrefixV4(),
            in.minPrefixV6(),
            PlanInput.MAX_ROUTES));
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

  /** The addresses from first to last, with a label (the fence's index, or -1). */
  private record Range(U128 first, U128 last, int label) {
    static Range of(IPAddress block, int label) {
      IPAddress lower = block.getLower();
      U128 first =
          lower.isIPv4() ? new U128(0, lower.toIPv4().longValue()) : U128.of(lower.getBytes());
      return new Range(first, first.setLow(block.getBitCount() - prefix(block)), label);
    }
  }

  private static int prefix(IPAddress block) {
    Integer length = block.getNetworkPrefixLength();
    return length == null ? block.getBitCount() : length;
  }

  private static final Comparator<Range> BY_FIRST = (x, y) -> x.first.compareTo(y.first);

  /** The address after {@code a}, or null past the last one. */
  private static U128 next(U128 a) {
    return a.equals(U128.MAX) ? null : a.add(U128.ONE);
  }

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
      wanted.sort(BY_FIRST);
      List<Range> merged = new ArrayList<>();
      for (Range w : wanted) {
        Range last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
        if (last != null
            && (w.first.compareTo(last.last) <= 0 || w.first.equals(next(last.last)))) {
          merged.set(merged.size() - 1, new Range(last.first, last.last.max(w.last), -1));
        } else {
          merged.add(w);
        }
      }
      List<Range> segments = segments();

      List<Range> left = new ArrayList<>();
      int first = 0;
      for (Range w : merged) {
        while (first < segments.size() && segments.get(first).last.compareTo(w.first) < 0) {
          first++;
        }
        U128 at = w.first;
        for (int g = first;
            at != null && g < segments.size() && segments.get(g).first.compareTo(w.last) <= 0;
            g++) {
          Range s = segments.get(g);
          U128 from = at.max(s.first);
          U128 to = w.last.min(s.last);
          addBefore(left, at, from, -1);
          String reason = forbidden.get(s.label).reason();
          decompose(from, to, (start, length) -> fenced.add(text(start, length), reason));
          at = next(to);
        }
        addThrough(left, at, w.last, -1);
      }

      Leaves leaves = new Leaves();
      for (Range r : left) {
        decompose(r.first, r.last, leaves);
      }
      List<Range> union = new ArrayList<>();
      for (Range s : segments) {
        Range last = union.isEmpty() ? null : union.get(union.size() - 1);
        if (last != null && s.first.equals(next(last.last))) {
          union.set(union.size() - 1, new Range(last.first, s.last, -1));
        } else {
          union.add(s);
        }
      }
      return new Aggregator(
          bits,
          Arrays.copyOf(leaves.start, leaves.size),
          Arrays.copyOf(leaves.length, leaves.size),
          union.stream().map(Range::first).toArray(U128[]::new),
          union.stream().map(Range::last).toArray(U128[]::new),
          minPrefix);
    }

    /**
     * The forbidden ranges as disjoint segments in order, each labelled with the most specific
     * fence over it. Prefixes nest or are disjoint, so a sweep with a stack of open fences finds
     * them.
     */
    private List<Range> segments() {
      fences.sort(BY_FIRST.thenComparing(Range::last, Comparator.reverseOrder()));
      List<Range> segments = new ArrayList<>();
      List<Range> open = new ArrayList<>();
      U128 pos = U128.ZERO; // null past the last address
      for (Range f : fences) {
        while (!open.isEmpty() && top(open).last.compareTo(f.first) < 0) {
          Range closed = open.remove(open.size() - 1);
          addThrough(segments, pos, closed.last, closed.label);
          pos = next(closed.last);
        }
        if (!open.isEmpty()) {
          Range outer = top(open);
          if (outer.first.equals(f.first) && outer.last.equals(f.last)) {
            continue; // the same prefix again: the first one's reason stands
          }
          addBefore(segments, pos, f.first, outer.label);
        }
        pos = f.first;
        open.add(f);
      }
      while (!open.isEmpty()) {
        Range closed = open.remove(open.size() - 1);
        addThrough(segments, pos, closed.last, closed.label);
        pos = next(closed.last);
      }
      return segments;
    }

    /** The fewest prefixes that make up the addresses from first to last, in order. */
    void decompose(U128 first, U128 last, BlockSink sink) {
      U128 at = first;
      while (true) {
        U128 span = last.subtract(at); // one less than the addresses left
        int fits = span.equals(U128.MAX) ? 128 : 127 - span.add(U128.ONE).numberOfLeadingZeros();
        int free = Math.min(Math.min(at.numberOfTrailingZeros(), bits), fits);
        sink.accept(at, bits - free);
        U128 end = at.setLow(free);
        if (end.equals(last)) {
          return;
        }
        at = end.add(U128.ONE);
      }
    }

    String text(U128 start, int length) {
      if (bits == IPv6Address.BIT_COUNT) {
        return new IPv6Address(start.big(), length).toCanonicalString();
      }
      long a = start.lo();
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

  /** Adds the addresses from {@code from} (null: none) up to just before {@code end}. */
  private static void addBefore(List<Range> ranges, U128 from, U128 end, int label) {
    if (from != null && from.compareTo(end) < 0) {
      ranges.add(new Range(from, end.subtract(U128.ONE), label));
    }
  }

  /** Adds the addresses from {@code from} (null: none) through {@code last}. */
  private static void addThrough(List<Range> ranges, U128 from, U128 last, int label) {
    if (from != null && from.compareTo(last) <= 0) {
      ranges.add(new Range(from, last, label));
    }
  }

  /** Receives one prefix of a range's CIDR decomposition. */
  private interface BlockSink {
    void accept(U128 start, int length);
  }

  /** The wanted blocks, in order. */
  private static final class Leaves implements BlockSink {
    U128[] start = new U128[64];
    int[] length = new int[64];
    int size;

    @Override
    public void accept(U128 first, int prefixLength) {
      if (size == start.length) {
        start = Arrays.copyOf(start, 2 * size);
        length = Arrays.copyOf(length, 2 * size);
      }
      start[size] = first;
      length[size] = prefixLength;
      size++;
    }
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
