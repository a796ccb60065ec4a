package dev.detour.route.plan;

import inet.ipaddr.ipv6.IPv6Address;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.stream.Stream;

/**
 * Plans the Re:filter list at several budgets and prints a Markdown table (median time of 5 runs
 * after 2 warm-ups), then compares Re:filter's own summary list with Detour's plan at the same
 * budget, and plans a made-up IPv6 set of 20,000 entries. Run by {@code bench/planner}; the
 * argument is the data directory (default {@code src/test/resources/data}).
 */
public final class PlannerBench {

  private static final int[] BUDGETS = {35_000, 30_746, 17_000, 10_000, 5_000};

  private PlannerBench() {}

  public static void main(String[] args) throws IOException {
    System.out.print(report(Path.of(args.length > 0 ? args[0] : "src/test/resources/data")));
  }

  /** The planner's section of docs/benchmarks.md (bench/run). */
  public static String report(Path data) throws IOException {
    StringBuilder out = new StringBuilder("## Planner\n\n");
    List<String> blocked = RefilterLists.read(data.resolve("refilter-blocked-ips.lst"));
    List<String> summary = RefilterLists.read(data.resolve("refilter-ipsum.lst"));
    out.append(
        String.format(Locale.ROOT, "Re:filter blocked list: %,d entries\n\n", blocked.size()));
    out.append(
        "| budget | routes | collateral addresses | collateral % of wanted | uncovered | ms |\n");
    out.append("|---:|---:|---:|---:|---:|---:|\n");
    for (int budget : BUDGETS) {
      PlanInput in = new PlanInput(blocked, List.of(), budget);
      Plan plan = null;
      long[] nanos = new long[5];
      for (int run = -2; run < nanos.length; run++) {
        plan = RoutePlanner.plan(in);
        if (run >= 0) {
          nanos[run] = plan.nanos();
        }
      }
      Arrays.sort(nanos);
      out.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %,d | %.2f | %,d | %.1f |\n",
              budget,
              plan.routes().size(),
              plan.collateralAddresses(),
              100.0 * plan.collateralAddresses() / plan.wantedAddresses(),
              plan.uncoveredAddresses(),
              nanos[2] / 1e6));
    }

    // Unlimited plans count distinct addresses: the summary's, and those of both lists together,
    // which exceed the blocked list's by what the summary routes beyond it.
    Plan routed = RoutePlanner.plan(new PlanInput(summary, List.of(), 0, 0, Integer.MAX_VALUE));
    Plan both =
        RoutePlanner.plan(
            new PlanInput(
                Stream.concat(blocked.stream(), summary.stream()).toList(),
                List.of(),
                0,
                0,
                Integer.MAX_VALUE));
    Plan detour = RoutePlanner.plan(new PlanInput(blocked, List.of(), summary.size()));
    long wanted = detour.wantedAddresses();
    long collateral = both.wantedAddresses() - wanted;
    long missed = both.wantedAddresses() - routed.wantedAddresses();
    out.append("\n");
    out.append("| plan | routes | collateral addresses | collateral % of wanted | uncovered |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    out.append(
        String.format(
            Locale.ROOT,
            "| Re:filter summary | %,d | %,d | %.2f | %,d |\n",
            summary.size(),
            collateral,
            100.0 * collateral / wanted,
            missed));
    out.append(
        String.format(
            Locale.ROOT,
            "| Detour | %,d | %,d | %.2f | %,d |\n",
            detour.routes().size(),
            detour.collateralAddresses(),
            100.0 * detour.collateralAddresses() / wanted,
            detour.uncoveredAddresses()));
    out.append("\n");
    out.append(
        String.format(
            Locale.ROOT,
            "Re:filter's summary %s and routes %,.0f times Detour's collateral at the same budget.\n",
            missed == 0 ? "covers every blocked address" : "misses blocked addresses",
            (double) collateral / detour.collateralAddresses()));
    ipv6(out);
    return out.toString();
  }

  private static final int[] BUDGETS_V6 = {20_000, 10_000, 2_000};

  /**
   * IPv6 has no public list as large: 20,000 made-up entries (seeded), 16,000 addresses in 2,000
   * /48s and 4,000 other /48s, all in 2a00::/12, planned with the default shortest route (/16).
   */
  private static void ipv6(StringBuilder out) {
    Random random = new Random(24);
    BigInteger base = new BigInteger("2a00", 16).shiftLeft(112);
    BigInteger[] networks = new BigInteger[2_000];
    for (int n = 0; n < networks.length; n++) {
      networks[n] = base.add(new BigInteger(36, random).shiftLeft(80));
    }
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 16_000; i++) {
      BigInteger host = networks[random.nextInt(networks.length)].add(new BigInteger(80, random));
      wanted.add(new IPv6Address(host).toCanonicalString());
    }
    for (int i = 0; i < 4_000; i++) {
      wanted.add(
          new IPv6Address(base.add(new BigInteger(36, random).shiftLeft(80)), 48).toString());
    }
    out.append("\nIPv6, made up: 16,000 addresses in 2,000 /48s and 4,000 other /48s\n\n");
    out.append("| budget | routes | collateral addresses | uncovered | ms |\n");
    out.append("|---:|---:|---:|---:|---:|\n");
    for (int budget : BUDGETS_V6) {
      PlanInput in = new PlanInput(wanted, List.of(), budget);
      Plan plan = null;
      long[] nanos = new long[3];
      for (int run = -1; run < nanos.length; run++) {
        plan = RoutePlanner.plan(in);
        if (run >= 0) {
          nanos[run] = plan.nanos();
        }
      }
      Arrays.sort(nanos);
      out.append(
          String.format(
              Locale.ROOT,
              "| %,d | %,d | %.3g | %.3g | %.1f |\n",
              budget,
              plan.routes().size(),
              plan.collateralAddressesV6().doubleValue(),
              plan.uncoveredAddressesV6().doubleValue(),
              nanos[1] / 1e6));
    }
  }
}
