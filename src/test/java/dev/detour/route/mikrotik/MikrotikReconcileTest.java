package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.Reconciler;
import dev.detour.route.RouterBackend;
import dev.detour.route.RouterRoute;
import dev.detour.testing.Await;
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
 * Reconciliation against the RouterOS emulator over both protocols: a sync touches only Detour's
 * entries, and whatever goes wrong half-way — a 500 or {@code !fatal}, a timeout after which the
 * router made the change anyway, a reboot that renumbers every id, a session limit, a user editing
 * or deleting Detour's routes by hand — the next sync converges: every wanted route once, nothing
 * stale, the user's and the router's own routes untouched.
 */
class MikrotikReconcileTest {

  static final List<String> WANTED =
      List.of("149.154.164.0/22", "91.108.4.0/22", "195.82.146.0/24", "1.2.3.4/32", "5.6.7.8/32");

  RouterOsEmulator router;

  @BeforeEach
  void start() {
    router = new RouterOsEmulator();
    // The user's own route to one wanted prefix, and one of Detour's from an earlier plan.
    router.put(
        "ip/route",
        "dst-address",
        "195.82.146.0/24",
        "gateway",
        "gre-tunnel1",
        "comment",
        "rutracker",
        "distance",
        "1",
        "routing-table",
        "main",
        "dynamic",
        "false");
    router.put(
        "ip/route",
        "dst-address",
        "8.8.8.0/24",
        "gateway",
        "gre-tunnel1",
        "comment",
        "detour stale",
        "distance",
        "1",
        "routing-table",
        "main",
        "dynamic",
        "false");
  }

  @AfterEach
  void stop() {
    router.close();
  }

  /**
   * REST is RouterOS 7; the API protocol is tried as RouterOS 6, what it is mostly used for, and as
   * RouterOS 7 ({@code api7}).
   */
  RouterBackend backend(String protocol, Duration timeout) {
    return backend(protocol, timeout, "gre-tunnel1");
  }

  RouterBackend backend(String protocol, Duration timeout, String gateway) {
    if (protocol.equals("api")) {
      router.resource("6.49.10 (long-term)", "RB951Ui-2HnD");
    }
    TestSettings s =
        protocol.equals("rest")
            ? TestSettings.rest(router.restUrl())
            : TestSettings.api(router.apiPort(), false);
    s.timeout(timeout).gateway(gateway);
    return protocol.equals("rest")
        ? new MikrotikRestBackend(s.build())
        : new MikrotikApiBackend(s.build());
  }

  /** One sync as Detour runs it: list, diff, apply. */
  static Reconciler.Outcome sync(RouterBackend b, List<String> wanted) throws Exception {
    Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
    return Reconciler.apply(b, diff, comments(wanted), 0, change -> {});
  }

  static Map<String, String> comments(List<String> wanted) {
    return wanted.stream().collect(Collectors.toMap(p -> p, p -> "detour test"));
  }

  /** Syncs until a sync finds nothing to do (at most five), each with a fresh connection. */
  int converge(String protocol, List<String> wanted) throws Exception {
    for (int i = 1; i <= 5; i++) {
      try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
        if (Reconciler.diff(wanted, b.list()).empty()) {
          return i;
        }
        sync(b, wanted);
      }
    }
    throw new AssertionError("no convergence in 5 syncs: " + router.entries("ip/route"));
  }

  /** The router holds each wanted route exactly once, and its own and the user's as they were. */
  void assertConverged(List<String> wanted) {
    List<Map<String, String>> routes = router.entries("ip/route");
    List<String> ours = new ArrayList<>();
    for (Map<String, String> r : routes) {
      String comment = r.getOrDefault("comment", "");
      if (comment.equals("detour") || comment.startsWith("detour ")) {
        ours.add(r.get("dst-address"));
      }
    }
    List<String> expected = new ArrayList<>(wanted);
    expected.remove("195.82.146.0/24"); // the user's own route carries it
    assertThat(ours).as("Detour's routes, once each").containsExactlyInAnyOrderElementsOf(expected);
    assertThat(router.route("195.82.146.0/24")).containsEntry("comment", "rutracker");
    assertThat(routes).anyMatch(r -> "true".equals(r.get("dynamic")));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void addsTheMissingRemovesTheStaleAndLeavesTheRestAlone(String protocol) throws Exception {
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.Diff diff = Reconciler.diff(WANTED, b.list());
      assertThat(diff.add()).hasSize(4);
      assertThat(diff.foreign()).containsExactly("195.82.146.0/24");
      assertThat(diff.remove()).extracting(RouterRoute::prefix).containsExactly("8.8.8.0/24");
      Reconciler.Outcome o = sync(b, WANTED);
      assertThat(o.added()).isEqualTo(4);
      assertThat(o.removed()).isEqualTo(1);
      assertThat(o.error()).isNull();
    }
    assertConverged(WANTED);
    assertThat(router.route("1.2.3.4/32")).containsEntry("gateway", "gre-tunnel1");
    assertThat(converge(protocol, WANTED)).as("a second sync has nothing to do").isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void aRouterErrorHalfWayIsMendedByTheNextSync(String protocol) throws Exception {
    router.failRequest(4); // the list, two adds… then a 500 / !fatal
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.Outcome o = sync(b, WANTED);
      assertThat(o.error()).isNotNull();
      assertThat(o.added()).isLessThan(4);
    }
    converge(protocol, WANTED);
    assertConverged(WANTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void aTimeoutAfterWhichTheRouterAddedAnywayMakesNoDuplicate(String protocol) throws Exception {
    String timedOut;
    try (RouterBackend b = backend(protocol, Duration.ofMillis(400))) {
      Reconciler.Diff diff = Reconciler.diff(WANTED, b.list());
      timedOut = diff.add().get(0); // the first change, on which the apply stops
      router.delay(Duration.ofMillis(700));
      Reconciler.Outcome o = Reconciler.apply(b, diff, comments(WANTED), 0, change -> {});
      assertThat(o.error()).contains("no answer");
    }
    router.delay(Duration.ZERO);
    Await.until(
        Duration.ofSeconds(10),
        Duration.ofMillis(20),
        () -> router.route(timedOut) != null,
        "the router to finish the add it was asked for before the timeout",
        () -> "routes " + router.entries("ip/route"));
    converge(protocol, WANTED);
    assertConverged(WANTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void aRebootMidSyncRenumbersIdsAndTheNextSyncStillConverges(String protocol) throws Exception {
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.Diff diff = Reconciler.diff(WANTED, b.list());
      b.add(diff.add().get(0), "detour test");
      router.reboot(); // every id renumbered; the list Detour holds is now stale
      Reconciler.Outcome o =
          Reconciler.apply(
              b,
              new Reconciler.Diff(
                  diff.add().subList(1, diff.add().size()),
                  List.of(),
                  diff.remove(),
                  List.of(),
                  List.of()),
              comments(WANTED),
              0,
              change -> {});
      // The stale id of the old route may name another entry now: it is never removed by it.
      assertThat(router.route("195.82.146.0/24")).containsEntry("comment", "rutracker");
      assertThat(o.failed() + o.added() + o.removed()).isPositive();
    }
    converge(protocol, WANTED);
    assertConverged(WANTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void handEditsAreRespectedAndHandDeletesRestored(String protocol) throws Exception {
    converge(protocol, WANTED);
    router.handDelete("1.2.3.4/32"); // the user deletes one of Detour's routes
    router.handEdit("5.6.7.8/32", "comment", "mine now"); // and takes another over
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.Diff diff = Reconciler.diff(WANTED, b.list());
      assertThat(diff.add()).containsExactly("1.2.3.4/32");
      assertThat(diff.foreign()).contains("5.6.7.8/32");
      assertThat(diff.remove()).isEmpty();
      sync(b, WANTED);
    }
    assertThat(router.route("5.6.7.8/32")).containsEntry("comment", "mine now");
    assertThat(
            router.entries("ip/route").stream()
                .filter(r -> "5.6.7.8/32".equals(r.get("dst-address"))))
        .hasSize(1);
    assertThat(router.route("1.2.3.4/32")).containsEntry("comment", "detour test");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api", "api7"})
  void handEditedGatewayDistanceTableAndDisabledAreSetBackInPlace(String protocol)
      throws Exception {
    router.routingTable("other");
    converge(protocol, WANTED);
    Map<String, String> ids = new java.util.HashMap<>();
    router.entries("ip/route").forEach(r -> ids.put(r.get("dst-address"), r.get(".id")));
    router.handEdit("1.2.3.4/32", "gateway", "ether1");
    router.handEdit("5.6.7.8/32", "distance", "5");
    router.handEdit("91.108.4.0/22", "disabled", "true");
    router.handEdit("149.154.164.0/22", "routing-table", "other");

    List<Reconciler.Change> changes = new ArrayList<>();
    Reconciler.Outcome o;
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.Diff diff = Reconciler.diff(WANTED, b.list());
      assertThat(diff.add()).isEmpty();
      assertThat(diff.remove()).isEmpty();
      o = Reconciler.apply(b, diff, comments(WANTED), 0, changes::add);
    }

    assertThat(o).isEqualTo(new Reconciler.Outcome(0, 4, 0, 0, null));
    assertThat(changes)
        .filteredOn(c -> c.action().equals("update"))
        .extracting(Reconciler.Change::prefix, Reconciler.Change::detail)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple(
                "1.2.3.4/32", "was gateway ether1 (wanted gre-tunnel1)"),
            org.assertj.core.groups.Tuple.tuple("5.6.7.8/32", "was distance 5 (wanted 1)"),
            org.assertj.core.groups.Tuple.tuple(
                "91.108.4.0/22", "was disabled true (wanted false)"),
            org.assertj.core.groups.Tuple.tuple(
                "149.154.164.0/22",
                protocol.equals("api")
                    ? "was routing-mark other (wanted main)"
                    : "was routing-table other (wanted main)"));
    for (String prefix : List.of("1.2.3.4/32", "5.6.7.8/32", "91.108.4.0/22", "149.154.164.0/22")) {
      // Set in place: the same entry, never removed and added again.
      assertThat(router.route(prefix))
          .containsEntry(".id", ids.get(prefix))
          .containsEntry("gateway", "gre-tunnel1")
          .containsEntry("distance", "1")
          .containsEntry("routing-table", "main")
          .containsEntry("disabled", "false");
    }
    assertThat(converge(protocol, WANTED)).isEqualTo(1);
    assertConverged(WANTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api", "api7"})
  void aNewGatewayInTheConfigurationConvergesInOneSync(String protocol) throws Exception {
    converge(protocol, WANTED);
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5), "ether1")) {
      Reconciler.Outcome o = sync(b, WANTED);
      assertThat(o.updated()).isEqualTo(4); // the user's own route to a wanted prefix stays
      assertThat(Reconciler.diff(WANTED, b.list()).empty()).isTrue();
    }
    assertThat(router.route("1.2.3.4/32")).containsEntry("gateway", "ether1");
    assertThat(router.route("195.82.146.0/24"))
        .containsEntry("gateway", "gre-tunnel1")
        .containsEntry("comment", "rutracker");
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void aBusyRouterStopsTheSyncWithoutHarm(String protocol) throws Exception {
    router.sessionLimit(0);
    try (RouterBackend b = backend(protocol, Duration.ofSeconds(5))) {
      Reconciler.diff(WANTED, b.list());
      throw new AssertionError("a router at its session limit answered");
    } catch (dev.detour.route.RouterException e) {
      assertThat(e.kind())
          .isIn(
              dev.detour.route.RouterException.Kind.BUSY,
              dev.detour.route.RouterException.Kind.UNREACHABLE);
    }
    router.sessionLimit(10);
    converge(protocol, WANTED);
    assertConverged(WANTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void withdrawingEverythingLeavesOnlyWhatIsNotDetours(String protocol) throws Exception {
    converge(protocol, WANTED);
    converge(protocol, List.of());
    assertConverged(List.of());
    assertThat(router.route("8.8.8.0/24")).isNull();
  }
}
