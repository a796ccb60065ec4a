package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * An IPv4 plan checked against its input address by address, the planner's own bookkeeping not
 * trusted: the rules every plan keeps, and what it really leaves uncovered and routes beyond what
 * is wanted.
 */
final class PlanCheck {

  /** An IPv4 prefix as the range [start, end). */
  record Range(long start, long end) {
    boolean overlaps(Range other) {
      return start < other.end && other.start < end;
    }
  }

  final NavigableSet<Long> wanted = new TreeSet<>();
  final List<Range> forbidden = new ArrayList<>();

  /** The input's wanted addresses less the forbidden ones; keep the prefixes small. */
  PlanCheck(PlanInput in) {
    for (Fence f : in.forbidden()) {
      forbidden.add(range(f.prefix()));
    }
    for (String w : in.wanted()) {
      Range r = range(w);
      for (long a = r.start; a < r.end; a++) {
        long address = a;
        if (forbidden.stream().noneMatch(f -> f.start <= address && address < f.end)) {
          wanted.add(a);
        }
      }
    }
  }

  static Range range(String prefix) {
    IPAddress a = new IPAddressString(prefix).getAddress().toPrefixBlock();
    long start = a.getLower().toIPv4().longValue();
    return new Range(start, a.getUpper().toIPv4().longValue() + 1);
  }

  /**
   * Asserts the rules (budget, shortest route, no forbidden address, disjoint, normalised and in
   * order, counts as reported) and returns the cost: uncovered addresses times 2^33 plus
   * collateral.
   */
  long verify(PlanInput in, Plan plan) {
    assertThat(plan.routes()).hasSizeLessThanOrEqualTo(in.maxRoutes());
    assertThat(plan.wantedAddresses()).isEqualTo(wanted.size());
    long covered = 0;
    long collateral = 0;
    long previousEnd = -1;
    for (String route : plan.routes()) {
      Range r = range(route);
      int length = Integer.parseInt(route.substring(route.indexOf('/') + 1));
      assertThat(route).as("normalised").isEqualTo(text(r.start) + "/" + length);
      assertThat(length)
          .as("%s not shorter than the minimum", route)
          .isGreaterThanOrEqualTo(in.minPrefixV4());
      assertThat(r.start)
          .as("%s after the previous route", route)
          .isGreaterThanOrEqualTo(previousEnd);
      assertThat(forbidden).as("%s touches no forbidden prefix", route).noneMatch(r::overlaps);
      long inside = wanted.subSet(r.start, r.end).size();
      covered += inside;
      collateral += r.end - r.start - inside;
      previousEnd = r.end;
    }
    long uncovered = wanted.size() - covered;
    assertThat(plan.uncoveredAddresses()).as("uncovered").isEqualTo(uncovered);
    assertThat(plan.collateralAddresses()).as("collateral").isEqualTo(collateral);
    return (uncovered << 33) + collateral;
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
