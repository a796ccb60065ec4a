package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A plan checked against its input range by range, the planner's own bookkeeping not trusted: the
 * rules every plan keeps, and what it really leaves uncovered and routes beyond what is wanted, for
 * IPv4 and IPv6 alike.
 */
final class PlanCheck {

  /** More than all collateral of both families: the checks' cost of an uncovered address. */
  static final BigInteger UNCOVERED = BigInteger.ONE.shiftLeft(130);

  /** A prefix as the range [start, end), its family and its length. */
  record Range(BigInteger start, BigInteger end, boolean v6, int length) {
    boolean overlaps(Range other) {
      return v6 == other.v6 && start.compareTo(other.end) < 0 && other.start.compareTo(end) < 0;
    }

    BigInteger size() {
      return end.subtract(start);
    }
  }

  /** The wanted addresses less the forbidden ones, as disjoint ranges. */
  final List<Range> wanted = new ArrayList<>();

  final List<Range> forbidden = new ArrayList<>();

  PlanCheck(PlanInput in) {
    for (Fence f : in.forbidden()) {
      forbidden.add(range(f.prefix()));
    }
    List<Range> want = in.wanted().stream().map(PlanCheck::range).toList();
    // Between two consecutive bounds of any prefix, an address is wanted or not as a whole.
    for (boolean v6 : new boolean[] {false, true}) {
      TreeSet<BigInteger> bounds = new TreeSet<>();
      for (Range r : want) {
        if (r.v6 == v6) {
          bounds.add(r.start);
          bounds.add(r.end);
        }
      }
      for (Range r : forbidden) {
        if (r.v6 == v6) {
          bounds.add(r.start);
          bounds.add(r.end);
        }
      }
      BigInteger previous = null;
      for (BigInteger b : bounds) {
        if (previous != null) {
          Range piece = new Range(previous, b, v6, -1);
          if (want.stream().anyMatch(piece::overlaps)
              && forbidden.stream().noneMatch(piece::overlaps)) {
            wanted.add(piece);
          }
        }
        previous = b;
      }
    }
  }

  static Range range(String prefix) {
    IPAddress a = new IPAddressString(prefix).getAddress();
    int length = a.getNetworkPrefixLength() == null ? a.getBitCount() : a.getNetworkPrefixLength();
    a = a.toPrefixBlock(length);
    return new Range(a.getValue(), a.getUpperValue().add(BigInteger.ONE), a.isIPv6(), length);
  }

  /** Wanted addresses inside r. */
  BigInteger wantedIn(Range r) {
    BigInteger n = BigInteger.ZERO;
    for (Range w : wanted) {
      if (w.overlaps(r)) {
        n = n.add(w.end.min(r.end).subtract(w.start.max(r.start)));
      }
    }
    return n;
  }

  BigInteger wanted(boolean v6) {
    return wanted.stream()
        .filter(w -> w.v6 == v6)
        .map(Range::size)
        .reduce(BigInteger.ZERO, BigInteger::add);
  }

  /**
   * Asserts the rules (budget, shortest route, no forbidden address, disjoint, normalised and in
   * order, IPv4 first, counts as reported) and returns the cost: uncovered addresses times {@link
   * #UNCOVERED} plus collateral, both families together.
   */
  BigInteger verify(PlanInput in, Plan plan) {
    assertThat(plan.routes()).hasSizeLessThanOrEqualTo(in.maxRoutes());
    assertThat(plan.wantedAddresses()).isEqualTo(wanted(false).longValueExact());
    assertThat(plan.wantedAddressesV6()).isEqualTo(wanted(true));
    BigInteger[] covered = {BigInteger.ZERO, BigInteger.ZERO};
    BigInteger[] collateral = {BigInteger.ZERO, BigInteger.ZERO};
    Range previous = null;
    for (String route : plan.routes()) {
      Range r = range(route);
      int family = r.v6 ? 1 : 0;
      IPAddress block = new IPAddressString(route).getAddress();
      assertThat(route).as("normalised").isEqualTo(block.toPrefixBlock().toCanonicalString());
      assertThat(r.length)
          .as("%s not shorter than the minimum", route)
          .isGreaterThanOrEqualTo(r.v6 ? in.minPrefixV6() : in.minPrefixV4());
      if (previous != null) {
        assertThat(previous.v6 && !r.v6).as("%s: IPv4 first", route).isFalse();
        if (previous.v6 == r.v6) {
          assertThat(r.start)
              .as("%s after the previous route", route)
              .isGreaterThanOrEqualTo(previous.end);
        }
      }
      assertThat(forbidden).as("%s touches no forbidden prefix", route).noneMatch(r::overlaps);
      BigInteger inside = wantedIn(r);
      covered[family] = covered[family].add(inside);
      collateral[family] = collateral[family].add(r.size().subtract(inside));
      previous = r;
    }
    BigInteger uncovered4 = wanted(false).subtract(covered[0]);
    BigInteger uncovered6 = wanted(true).subtract(covered[1]);
    assertThat(plan.uncoveredAddresses()).as("uncovered").isEqualTo(uncovered4.longValueExact());
    assertThat(plan.collateralAddresses())
        .as("collateral")
        .isEqualTo(collateral[0].longValueExact());
    assertThat(plan.uncoveredAddressesV6()).as("uncovered IPv6").isEqualTo(uncovered6);
    assertThat(plan.collateralAddressesV6()).as("collateral IPv6").isEqualTo(collateral[1]);
    return uncovered4.add(uncovered6).multiply(UNCOVERED).add(collateral[0]).add(collateral[1]);
  }

  static String text(long address) {
    return (address >>> 24)
        + "."
        + (address >>> 16 & 255)
        + "."
        + (address >>> 8 & 255)
        + "."
        + (address & 255);
  }
}
