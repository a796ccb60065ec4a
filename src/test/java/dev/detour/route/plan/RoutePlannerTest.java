package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class RoutePlannerTest {

  private static final BigInteger TWO = BigInteger.TWO;
  private static final BigInteger THREE = BigInteger.valueOf(3);

  private static Plan plan(List<String> wanted, List<Fence> forbidden, int min, int budget) {
    return RoutePlanner.plan(new PlanInput(wanted, forbidden, min, 16, budget));
  }

  @Test
  void siblingsMergeIntoTheirParent() {
    Plan plan = plan(List.of("10.0.0.0/25", "10.0.0.128/25"), List.of(), 8, 5);

    assertThat(plan.routes()).containsExactly("10.0.0.0/24");
    assertThat(plan.wantedAddresses()).isEqualTo(256);
    assertThat(plan.collateralAddresses()).isZero();
    assertThat(plan.uncoveredAddresses()).isZero();
  }

  @Test
  void oneRouteForTwoFarAddressesIsTheirSmallestCommonPrefix() {
    Plan plan = plan(List.of("10.0.0.1", "10.0.255.254"), List.of(), 8, 1);

    assertThat(plan.routes()).containsExactly("10.0.0.0/16");
    assertThat(plan.collateralAddresses()).isEqualTo(65_536 - 2);
  }

  @Test
  void theBudgetGoesWhereItSavesTheMost() {
    // Three addresses close together and one far away, two routes: the near three share one.
    Plan plan = plan(List.of("10.0.0.1", "10.0.0.2", "10.0.0.6", "10.200.0.1"), List.of(), 8, 2);

    assertThat(plan.routes()).containsExactly("10.0.0.0/29", "10.200.0.1/32");
    assertThat(plan.collateralAddresses()).isEqualTo(5);
  }

  @Test
  void aForbiddenAddressInBetweenForcesTwoRoutes() {
    List<String> wanted = List.of("10.0.0.1", "10.0.0.6");
    List<Fence> endpoint = List.of(new Fence("10.0.0.4/32", "tunnel endpoint"));

    assertThat(plan(wanted, List.of(), 8, 1).routes()).containsExactly("10.0.0.0/29");
    Plan two = plan(wanted, endpoint, 8, 2);
    assertThat(two.routes()).containsExactly("10.0.0.1/32", "10.0.0.6/32");
    assertThat(two.fenced()).isEmpty(); // nothing wanted was forbidden
    Plan one = plan(wanted, endpoint, 8, 1);
    assertThat(one.routes()).hasSize(1);
    assertThat(one.uncoveredAddresses()).isEqualTo(1);
    assertThat(one.collateralAddresses()).isZero();
  }

  @Test
  void aForbiddenAddressIsCutOutOfAWantedPrefixAndReported() {
    Plan plan =
        plan(List.of("10.0.0.0/24"), List.of(new Fence("10.0.0.4", "tunnel endpoint")), 8, 100);

    assertThat(plan.routes())
        .containsExactly(
            "10.0.0.0/30",
            "10.0.0.5/32",
            "10.0.0.6/31",
            "10.0.0.8/29",
            "10.0.0.16/28",
            "10.0.0.32/27",
            "10.0.0.64/26",
            "10.0.0.128/25");
    assertThat(plan.wantedAddresses()).isEqualTo(255);
    assertThat(plan.fenced()).containsExactly(new Fence("10.0.0.4/32", "tunnel endpoint"));
    assertThat(plan.fencedCount()).isEqualTo(1);
  }

  @Test
  void theMostSpecificFenceNamesWhatItRemoves() {
    Plan plan =
        plan(
            List.of("10.1.2.0/30", "192.168.7.7"),
            List.of(
                new Fence("10.0.0.0/8", "bogon"),
                new Fence("10.1.2.3/32", "tunnel endpoint"),
                new Fence("192.168.0.0/16", "bogon"),
                new Fence("192.168.0.0/16", "LAN")),
            8,
            10);

    assertThat(plan.routes()).isEmpty();
    assertThat(plan.wantedAddresses()).isZero();
    assertThat(plan.fenced())
        .containsExactly(
            new Fence("10.1.2.0/31", "bogon"),
            new Fence("10.1.2.2/32", "bogon"),
            new Fence("10.1.2.3/32", "tunnel endpoint"),
            new Fence("192.168.7.7/32", "bogon"));
  }

  @Test
  void routesAvoidForbiddenPrefixesNextToWantedOnes() {
    List<String> wanted = List.of("10.0.0.1", "10.0.0.2", "10.0.0.129", "10.0.0.130");
    List<Fence> lan = List.of(new Fence("10.0.0.192/26", "LAN"));
    assertThat(plan(wanted, List.of(), 8, 1).routes()).containsExactly("10.0.0.0/24");

    Plan two = plan(wanted, lan, 8, 2);
    assertThat(two.routes()).containsExactly("10.0.0.0/30", "10.0.0.128/30");
    assertThat(two.collateralAddresses()).isEqualTo(4);
    Plan one = plan(wanted, lan, 8, 1);
    assertThat(one.routes()).hasSize(1);
    assertThat(one.uncoveredAddresses()).isEqualTo(2);
    assertThat(one.collateralAddresses()).isEqualTo(2);
  }

  @Test
  void theMinimumPrefixStopsAggregation() {
    List<String> halves = List.of("10.0.0.0/9", "10.128.0.0/9");
    assertThat(plan(halves, List.of(), 8, 1).routes()).containsExactly("10.0.0.0/8");
    assertThat(plan(halves, List.of(), 9, 5).routes())
        .containsExactly("10.0.0.0/9", "10.128.0.0/9");

    Plan one = plan(List.of("10.0.0.1", "10.255.0.1"), List.of(), 9, 1);
    assertThat(one.routes()).hasSize(1);
    assertThat(one.uncoveredAddresses()).isEqualTo(1);
  }

  @Test
  void aPrefixWiderThanTheMinimumIsRoutedInPieces() {
    Plan all = plan(List.of("10.0.0.0/8"), List.of(), 10, 10);
    assertThat(all.routes())
        .containsExactly("10.0.0.0/10", "10.64.0.0/10", "10.128.0.0/10", "10.192.0.0/10");

    Plan some = plan(List.of("10.0.0.0/8"), List.of(), 10, 3);
    assertThat(some.routes()).hasSize(3);
    assertThat(some.uncoveredAddresses()).isEqualTo(1 << 22);
  }

  @Test
  void theWholeInternetLessBogonsFitsInALong() {
    List<Fence> bogons =
        List.of(
            new Fence("0.0.0.0/8", "this network"),
            new Fence("10.0.0.0/8", "bogon"),
            new Fence("127.0.0.0/8", "loopback"),
            new Fence("224.0.0.0/3", "multicast and reserved"));
    Plan plan = plan(List.of("0.0.0.0/0"), bogons, 8, 500);

    assertThat(plan.routes()).hasSize(256 - 35); // every /8 left, alone
    assertThat(plan.wantedAddresses()).isEqualTo((1L << 32) - (35L << 24));
    assertThat(plan.collateralAddresses()).isZero();
    assertThat(plan.fencedCount()).isEqualTo(4);

    Plan budget100 = plan(List.of("0.0.0.0/0"), bogons, 8, 100);
    assertThat(budget100.routes()).hasSize(100);
    assertThat(budget100.uncoveredAddresses()).isEqualTo((221L - 100) << 24);
    assertThat(budget100.collateralAddresses()).isZero();
  }

  @Test
  void overlapsAndDuplicatesAreOneRoute() {
    Plan plan =
        plan(List.of("10.0.0.0/24", "10.0.0.5", "10.0.0.0/24", "10.0.0.128/26"), List.of(), 8, 5);

    assertThat(plan.routes()).containsExactly("10.0.0.0/24");
  }

  @Test
  void routesAreCidrTextInNumericOrder() {
    Plan plan =
        plan(List.of("10.0.0.1", "9.255.255.255", "1.2.3.5/24", "100.0.0.1"), List.of(), 8, 5);

    assertThat(plan.routes())
        .containsExactly("1.2.3.0/24", "9.255.255.255/32", "10.0.0.1/32", "100.0.0.1/32");
  }

  @Test
  void aBudgetOfZeroRoutesNothing() {
    Plan plan = plan(List.of("10.0.0.1", "2001:db8::/32"), List.of(), 8, 0);

    assertThat(plan.routes()).isEmpty();
    assertThat(plan.uncoveredAddresses()).isEqualTo(1);
    assertThat(plan.uncoveredAddressesV6()).isEqualTo(BigInteger.TWO.pow(96));
  }

  @Test
  void ipv6DuplicatesOverlapsAndSiblingsAreOneRoute() {
    Plan plan =
        plan(
            List.of(
                "2001:db8::/33",
                "2001:db8:8000::/33",
                "2001:db8::1",
                "2001:db9::1/128",
                "2001:db9::5",
                "2001:DB9::9/128",
                "1.2.3.4"),
            List.of(new Fence("2001:db9::1", "tunnel endpoint")),
            8,
            10);

    assertThat(plan.routes())
        .containsExactly("1.2.3.4/32", "2001:db8::/32", "2001:db9::5/128", "2001:db9::9/128");
    assertThat(plan.fenced()).containsExactly(new Fence("2001:db9::1/128", "tunnel endpoint"));
    assertThat(plan.wantedAddressesV6()).isEqualTo(BigInteger.TWO.pow(96).add(BigInteger.TWO));
    assertThat(plan.uncoveredAddressesV6()).isZero();
    assertThat(plan.collateralAddressesV6()).isZero();
  }

  @Test
  void ipv6IsAggregatedIntoTheSmallestCommonPrefix() {
    Plan plan = plan(List.of("2001:db8::1", "2001:db8:0:ffff::1"), List.of(), 8, 1);

    assertThat(plan.routes()).containsExactly("2001:db8::/48");
    assertThat(plan.collateralAddressesV6()).isEqualTo(BigInteger.TWO.pow(80).subtract(TWO));
  }

  @Test
  void aForbiddenIpv6PrefixIsCutOutOfAWantedOne() {
    Plan plan =
        plan(List.of("2001:db8::/32"), List.of(new Fence("2001:db8:1::/48", "tunnel")), 8, 100);

    assertThat(plan.routes())
        .hasSize(16)
        .startsWith("2001:db8::/48", "2001:db8:2::/47", "2001:db8:4::/46")
        .endsWith("2001:db8:8000::/33");
    assertThat(plan.fenced()).containsExactly(new Fence("2001:db8:1::/48", "tunnel"));

    // Fewer routes than pieces: the widest pieces are routed, never the fence around them.
    Plan short2 =
        plan(List.of("2001:db8::/32"), List.of(new Fence("2001:db8:1::/48", "tunnel")), 8, 2);
    assertThat(short2.routes()).containsExactly("2001:db8:4000::/34", "2001:db8:8000::/33");
    assertThat(short2.collateralAddressesV6()).isZero();
    assertThat(short2.uncoveredAddressesV6())
        .isEqualTo(BigInteger.TWO.pow(94).subtract(BigInteger.TWO.pow(80)));
  }

  @Test
  void aForbiddenIpv6AddressBetweenTwoWantedOnesForcesTwoRoutes() {
    List<String> wanted = List.of("2001:db8::1", "2001:db8::6");
    List<Fence> endpoint = List.of(new Fence("2001:db8::4", "tunnel endpoint"));

    assertThat(plan(wanted, List.of(), 8, 1).routes()).containsExactly("2001:db8::/125");
    assertThat(plan(wanted, endpoint, 8, 2).routes())
        .containsExactly("2001:db8::1/128", "2001:db8::6/128");
    Plan one = plan(wanted, endpoint, 8, 1);
    assertThat(one.routes()).hasSize(1);
    assertThat(one.uncoveredAddressesV6()).isEqualTo(BigInteger.ONE);
    assertThat(one.collateralAddressesV6()).isZero();
  }

  @Test
  void theMinimumIpv6PrefixSplitsWidePrefixesAndStopsAggregation() {
    Plan plan =
        RoutePlanner.plan(new PlanInput(List.of("2400::1", "2000::/15"), List.of(), 8, 16, 2));
    assertThat(plan.routes()).containsExactly("2000::/16", "2001::/16");
    assertThat(plan.uncoveredAddressesV6()).isEqualTo(BigInteger.ONE);

    Plan apart =
        RoutePlanner.plan(
            new PlanInput(List.of("2001:db8::1", "2001:db9::1"), List.of(), 8, 32, 1));
    assertThat(apart.routes()).hasSize(1);
    assertThat(apart.uncoveredAddressesV6()).isEqualTo(BigInteger.ONE);
    assertThat(apart.collateralAddressesV6()).isZero();
  }

  @Test
  void theWholeIpv6InternetStaysWithinTheBudget() {
    // Watches and pins refuse it (TargetParser, RouteRules); the planner alone must still cope.
    Plan plan = RoutePlanner.plan(new PlanInput(List.of("::/0"), List.of(), 8, 128, 3));

    assertThat(plan.routes()).containsExactly("::/128", "::1/128", "::2/128");
    assertThat(plan.uncoveredAddressesV6()).isEqualTo(BigInteger.TWO.pow(128).subtract(THREE));
    Plan wide = RoutePlanner.plan(new PlanInput(List.of("::/0", "10.0.0.1"), List.of(), 8, 16, 3));
    assertThat(wide.routes()).containsExactly("::/16", "1::/16", "2::/16");
    assertThat(wide.uncoveredAddresses()).isEqualTo(1);
  }

  @Test
  void aBudgetTooLargeForAHugeCoverIsRefusedWithWhatToChange() {
    // A /56 in /128s takes 2^72 routes: an unlimited budget used to overflow the DP's tables.
    PlanInput huge = new PlanInput(List.of("2001:db8::/56"), List.of(), 8, 128, Integer.MAX_VALUE);

    assertThatThrownBy(() -> RoutePlanner.plan(huge))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a budget of 2,147,483,647 routes")
        .hasMessageContaining("takes more than 2^63 routes")
        .hasMessageContaining("/128 (IPv6)")
        .hasMessageContaining("at most 1,000,000 routes")
        .hasMessageContaining("lower the minimum prefix");
    PlanInput wider = new PlanInput(List.of("2001:db8::/100"), List.of(), 8, 128, 1_000_001);
    assertThatThrownBy(() -> RoutePlanner.plan(wider))
        .hasMessageContaining("takes 268,435,456 routes");
  }

  @Test
  void theLargestBudgetsStillPlanWhatTheyCanHold() {
    // Unlimited is fine when fewer routes cover everything; a short budget reports the rest.
    Plan unlimited =
        RoutePlanner.plan(
            new PlanInput(List.of("2001:db8::/116"), List.of(), 8, 128, Integer.MAX_VALUE));
    assertThat(unlimited.routes()).hasSize(4096);
    assertThat(unlimited.uncoveredAddressesV6()).isZero();
    Plan some = RoutePlanner.plan(new PlanInput(List.of("2001:db8::/56"), List.of(), 8, 128, 1000));
    assertThat(some.routes()).hasSize(1000);
    assertThat(some.uncoveredAddressesV6())
        .isEqualTo(TWO.pow(72).subtract(BigInteger.valueOf(1000)));
  }

  @Test
  void bothFamiliesShareTheBudgetWhereItSavesTheMostAddresses() {
    List<String> near6 = List.of("10.0.0.1", "10.0.0.6", "2001:db8::1", "2001:db8::2");
    // Three routes for four addresses: one pair shares a route, the one with less collateral.
    Plan plan = plan(near6, List.of(), 8, 3);
    assertThat(plan.routes()).containsExactly("10.0.0.1/32", "10.0.0.6/32", "2001:db8::/126");
    assertThat(plan.collateralAddressesV6()).isEqualTo(TWO);
    assertThat(plan.collateralAddresses()).isZero();

    List<String> far6 = List.of("10.0.0.1", "10.0.0.6", "2001:db8::1", "2001:db8::1:2");
    Plan far = plan(far6, List.of(), 8, 3);
    assertThat(far.routes()).containsExactly("10.0.0.0/29", "2001:db8::1/128", "2001:db8::1:2/128");
    assertThat(far.collateralAddresses()).isEqualTo(6);

    // One route: the family with more wanted addresses is covered.
    Plan one = plan(List.of("10.0.0.0/24", "2001:db8::1"), List.of(), 8, 1);
    assertThat(one.routes()).containsExactly("10.0.0.0/24");
    assertThat(one.uncoveredAddressesV6()).isEqualTo(BigInteger.ONE);
  }

  @Test
  void textThatIsNoPrefixIsRejectedByName() {
    assertThatThrownBy(() -> plan(List.of("10.0.0.1", "1.2.3"), List.of(), 8, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wanted entry 2")
        .hasMessageContaining("\"1.2.3\"");
    assertThatThrownBy(
            () -> plan(List.of("10.0.0.1"), List.of(new Fence("10.0.0.0/33", "x")), 8, 5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("forbidden entry 1")
        .hasMessageContaining("10.0.0.0/33");
    assertThatThrownBy(() -> plan(List.of(""), List.of(), 8, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlanInput(List.of(), List.of(), 33, 16, 5))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PlanInput(List.of(), List.of(), 8, 16, -1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theFencedListIsCappedButCounted() {
    List<String> apart =
        IntStream.range(0, 1500).mapToObj(i -> "10.0." + i / 128 + "." + i % 128 * 2).toList();
    Plan plan = plan(apart, List.of(new Fence("10.0.0.0/8", "bogon")), 8, 10);

    assertThat(plan.fencedCount()).isEqualTo(1500);
    assertThat(plan.fenced()).hasSize(Plan.FENCED_LIMIT);
    assertThat(plan.fenced().get(0)).isEqualTo(new Fence("10.0.0.0/32", "bogon"));
  }
}
