package dev.detour.route.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Re:filter list of blocked addresses (44,036 entries, mostly single addresses), from the copy
 * in src/test/resources/data (MIT, see REFILTER-LICENSE there). The optima were checked against a
 * plain quadratic DP.
 */
class RefilterListTest {

  private static List<String> blocked;

  @BeforeAll
  static void read() throws IOException {
    blocked =
        RefilterLists.read(Path.of("src", "test", "resources", "data", "refilter-blocked-ips.lst"));
  }

  private static Plan plan(int budget) {
    return RoutePlanner.plan(new PlanInput(blocked, List.of(), budget));
  }

  private static double collateralShare(Plan plan) {
    return (double) plan.collateralAddresses() / plan.wantedAddresses();
  }

  @Test
  void withRoomToSpareEveryBlockIsRoutedAsItIs() {
    Plan plan = plan(35_000);

    assertThat(plan.routes()).hasSize(34_673);
    assertThat(plan.wantedAddresses()).isEqualTo(489_764);
    assertThat(plan.collateralAddresses()).isZero();
    assertThat(plan.uncoveredAddresses()).isZero();
  }

  @Test
  void noFewerRoutesCarryNoCollateral() {
    assertThat(plan(34_673).collateralAddresses()).isZero();
    Plan oneLess = plan(34_672);
    assertThat(oneLess.collateralAddresses()).isPositive();
    // One address more routes three neighbours in one: the same cost needs just 34,670 routes.
    assertThat(oneLess.collateralAddresses()).isEqualTo(1);
    assertThat(oneLess.routes()).hasSize(34_670);
    assertThat(oneLess.uncoveredAddresses()).isZero();
  }

  @Test
  void halfTheRoutesCostAFewPercent() {
    Plan plan = plan(17_000);

    assertThat(plan.routes()).hasSize(17_000);
    assertThat(plan.uncoveredAddresses()).isZero();
    assertThat(collateralShare(plan)).isBetween(0.03, 0.06);
    assertThat(plan.collateralAddresses()).isEqualTo(21_670);
  }

  @Test
  void tenThousandRoutesCostAboutAFifth() {
    Plan plan = plan(10_000);

    assertThat(plan.routes()).hasSize(10_000);
    assertThat(collateralShare(plan)).isBetween(0.12, 0.20);
    assertThat(plan.collateralAddresses()).isEqualTo(82_338);
  }

  @Test
  void reFiltersOwnBudgetCostsLittle() {
    Plan plan = plan(30_746);

    assertThat(plan.collateralAddresses()).isEqualTo(2_805);
    assertThat(collateralShare(plan)).isCloseTo(0.0057, within(0.0001));
  }
}
