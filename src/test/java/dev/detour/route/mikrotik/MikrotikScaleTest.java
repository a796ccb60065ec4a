package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.Reconciler;
import dev.detour.route.RouterBackend;
import dev.detour.route.RouterRoute;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A router as the people who need Detour most run it: a full BGP table (1,000,000 dynamic routes),
 * a user's imported list of 30,000 static routes in a table of its own, and 20,000 of Detour's
 * routes from earlier syncs. A sync asks only for static routes and reads the answer row by row, so
 * it neither pulls the BGP table nor holds more than what it keeps; it changes only what the plan
 * changed. The time and memory it takes are measured by {@code bench/run --only router}.
 */
class MikrotikScaleTest {

  static final int FULL_TABLE = 1_000_000;
  static final int IMPORTED = 30_000;
  static final int DETOURS = 20_000;

  RouterOsEmulator router;

  @BeforeEach
  void start() {
    router =
        new RouterOsEmulator()
            .feed("16.0.0.0", FULL_TABLE, true, "203.0.113.1", "main")
            .feed("128.0.0.0", IMPORTED, false, "gre-tunnel1", "imported");
    router.detoursRoutes("100.0.0.0", DETOURS, "detour earlier");
  }

  @AfterEach
  void stop() {
    router.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api6"})
  void aSyncAmongAMillionForeignRoutesChangesOnlyWhatThePlanChanged(String protocol)
      throws Exception {
    if (protocol.equals("api6")) {
      router.resource("6.49.10 (long-term)", "CCR1036-8G-2S+");
    }
    List<String> wanted = new ArrayList<>();
    for (int i = 100; i < DETOURS + 100; i++) { // the first 100 withdrawn, 100 new ones
      wanted.add(RouterOsEmulator.slash24(100 << 24, i));
    }
    TestSettings settings =
        protocol.equals("rest")
            ? TestSettings.rest(router.restUrl())
            : TestSettings.api(router.apiPort(), false);
    Map<String, String> comments =
        wanted.stream().collect(Collectors.toMap(p -> p, p -> "detour test"));
    long start = System.nanoTime();
    try (RouterBackend b =
        protocol.equals("rest")
            ? new MikrotikRestBackend(settings.timeout(Duration.ofSeconds(30)).build())
            : new MikrotikApiBackend(settings.timeout(Duration.ofSeconds(30)).build())) {
      List<RouterRoute> listed = b.list();
      long listedAt = System.nanoTime();
      // Detour's own and the user's default route in main; neither the BGP table nor the list in
      // the other table.
      assertThat(listed).hasSize(DETOURS + 1);
      assertThat(listed.stream().filter(RouterRoute::owned)).hasSize(DETOURS);
      Reconciler.Diff diff = Reconciler.diff(wanted, listed);
      assertThat(diff.add()).hasSize(100);
      assertThat(diff.remove()).hasSize(100);
      assertThat(diff.update()).isEmpty();
      Reconciler.Outcome outcome = Reconciler.apply(b, diff, comments, 0, change -> {});
      assertThat(outcome).isEqualTo(new Reconciler.Outcome(100, 0, 100, 0, null));
      System.out.printf(
          "%s: a sync among %,d foreign routes and %,d of Detour's took %d ms (list %d ms)%n",
          protocol,
          FULL_TABLE + IMPORTED,
          DETOURS,
          (System.nanoTime() - start) / 1_000_000,
          (listedAt - start) / 1_000_000);
      assertThat(Reconciler.diff(wanted, b.list()).empty()).isTrue();
    }
  }
}
