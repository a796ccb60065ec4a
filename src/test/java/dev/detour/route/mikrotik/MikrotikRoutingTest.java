package dev.detour.route.mikrotik;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.detour.probe.tcp.TcpRule;
import dev.detour.route.RouteClaim;
import dev.detour.route.RouteClaims;
import dev.detour.state.Standing;
import dev.detour.testing.Database;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.WatchState;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service's route sync against two emulated MikroTiks, one over REST (RouterOS 7) and one over
 * the API protocol (RouterOS 6.49): a blocked watch's claims become routes with Detour's comment,
 * the tunnel going down holds new routes back, a router failing half-way is mended by the next
 * sync, and the claims going (the block lifted and its grace passed) withdraw the routes — the
 * user's and the router's own routes untouched all along.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
@TestProfile(MikrotikRoutingTest.TwoRouters.class)
class MikrotikRoutingTest {

  static final RouterOsEmulator REST = new RouterOsEmulator();
  static final RouterOsEmulator API =
      new RouterOsEmulator().resource("6.49.10 (long-term)", "RB951Ui-2HnD");

  /** Two routers, one per protocol, each an emulator of its own. */
  public static class TwoRouters implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.ofEntries(
          Map.entry("detour.routers.rest.type", "mikrotik-rest"),
          Map.entry("detour.routers.rest.url", REST.restUrl()),
          Map.entry("detour.routers.rest.username", RouterOsEmulator.USER),
          Map.entry("detour.routers.rest.password", RouterOsEmulator.PASSWORD),
          Map.entry("detour.routers.rest.gateway", "gre-tunnel1"),
          Map.entry("detour.routers.api.type", "mikrotik-api"),
          Map.entry("detour.routers.api.host", "127.0.0.1"),
          Map.entry("detour.routers.api.port", String.valueOf(API.apiPort())),
          Map.entry("detour.routers.api.username", RouterOsEmulator.USER),
          Map.entry("detour.routers.api.password", RouterOsEmulator.PASSWORD),
          Map.entry("detour.routers.api.gateway", "gre-tunnel1"),
          Map.entry("detour.routers.api.max-routes", "2"),
          // Guard rails from configuration, inside ranges the fence test claims.
          Map.entry("detour.routes.tunnel-endpoints", "91.108.56.1"),
          Map.entry("detour.routes.wan-addresses", "95.161.64.1"),
          Map.entry("detour.routes.exclusions", "95.161.65.0/24"),
          Map.entry("detour.probe.dns.resolvers", "91.108.57.53"),
          // Syncs come from the test, not the clock.
          Map.entry("detour.routes.sync-every", "1h"));
    }
  }

  @Inject Database db;
  @Inject RouteClaims claims;

  long watch;

  @BeforeEach
  void blockedWatch() throws InterruptedException {
    // The service's own first sync comes two seconds after start: let it pass, so that every
    // sync after it is the test's (the next periodic one is an hour away).
    for (int i = 0; i < 100; i++) {
      List<Object> synced = given().get("/api/routes").then().extract().path("routers.syncedAt");
      if (synced.stream().allMatch(java.util.Objects::nonNull)) {
        break;
      }
      Thread.sleep(100);
    }
    db.clear();
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"telegram\"}")
        .post("/api/groups")
        .then()
        .statusCode(201);
    watch =
        given()
            .contentType(ContentType.JSON)
            .body("{\"target\":\"149.154.164.0/22\",\"group\":\"telegram\"}")
            .post("/api/watches")
            .then()
            .statusCode(201)
            .extract()
            .<Number>path("id")
            .longValue();
    for (RouterOsEmulator r : List.of(REST, API)) {
      r.interfaceState("gre-tunnel1", true, false);
      r.delay(java.time.Duration.ZERO);
    }
  }

  static RouterOsEmulator router(String name) {
    return name.equals("rest") ? REST : API;
  }

  /** The monitor's verdict, as the claims it leaves: this watch wants these prefixes routed. */
  void claim(String... prefixes) {
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              RouteClaim.delete("key.watchId", watch);
              for (String p : prefixes) {
                RouteClaim c = new RouteClaim();
                c.key = new RouteClaim.Key(watch, p);
                c.reason = "149.154.164.0/22 blocked (injected TCP RST)";
                c.verified = true;
                c.since = c.seenAt = Instant.now();
                c.persist();
              }
            });
  }

  static JsonPath sync(String router) {
    return given()
        .post("/api/routes/routers/" + router + "/sync")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  static List<String> ours(RouterOsEmulator r) {
    return r.entries("ip/route").stream()
        .filter(e -> e.getOrDefault("comment", "").startsWith("detour "))
        .map(e -> e.get("dst-address"))
        .sorted()
        .toList();
  }

  static List<Map<String, String>> others(RouterOsEmulator r) {
    return r.entries("ip/route").stream()
        .filter(e -> !e.getOrDefault("comment", "").startsWith("detour "))
        .toList();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void blockRouteFaultTunnelDownAndWithdrawal(String name) {
    RouterOsEmulator r = router(name);
    List<Map<String, String>> theirs = others(r);
    claim("149.154.164.0/23", "149.154.166.0/24");

    JsonPath s = sync(name);
    assertThat(s.getString("error")).isNull();
    assertThat(s.getInt("applied")).isEqualTo(2);
    assertThat(ours(r)).containsExactly("149.154.164.0/23", "149.154.166.0/24");
    assertThat(r.route("149.154.166.0/24"))
        .containsEntry("gateway", "gre-tunnel1")
        .containsEntry("comment", "detour 149.154.164.0/22 blocked (injected TCP RST)");

    // More wanted than the API router's budget of 2: aggregated, with the collateral said.
    claim("149.154.164.0/23", "149.154.166.0/24", "149.154.167.10/32");
    s = sync(name);
    if (name.equals("api")) {
      // 149.154.167.0/24 less one address is the least collateral; one /22 costs no more.
      assertThat(ours(r)).containsExactly("149.154.164.0/22");
      assertThat(s.getLong("collateralAddresses")).isEqualTo(255);
      assertThat(s.getInt("desired")).isEqualTo(1);
    } else {
      assertThat(ours(r)).hasSize(3);
    }

    // The tunnel goes down: nothing new is routed into it, and the status says why.
    r.interfaceState("gre-tunnel1", false, false);
    claim("149.154.164.0/23", "149.154.166.0/24", "149.154.167.10/32", "91.108.4.0/22");
    s = sync(name);
    assertThat(s.getBoolean("tunnelUp")).isFalse();
    assertThat(s.getString("error")).contains("tunnel gre-tunnel1 is down");
    assertThat(s.getList("pendingAdd", String.class)).contains("91.108.4.0/22");
    assertThat(ours(r)).doesNotContain("91.108.4.0/22");
    // The incident alerting tells (AlertsTest: a tunnel_down incident reaches the channels).
    given()
        .get("/api/incidents?kind=tunnel_down")
        .then()
        .statusCode(200)
        .body(
            "summary",
            hasItem(name + ": the tunnel gre-tunnel1 is down; no new routes go into it"));
    r.interfaceState("gre-tunnel1", true, false);

    // The router fails half-way through a sync; the next one converges, with no duplicate.
    r.failRequest(6);
    sync(name);
    s = sync(name);
    assertThat(s.getString("error")).isNull();
    assertThat(ours(r)).contains("91.108.4.0/22").doesNotHaveDuplicates();

    given()
        .post("/api/routes/routers/" + name + "/test")
        .then()
        .statusCode(200)
        .body("answer", containsString(name.equals("rest") ? "RouterOS 7.16" : "RouterOS 6.49"));

    // The block lifted and its grace passed: the claims go, and so do the routes.
    claim();
    s = sync(name);
    assertThat(s.getInt("applied")).isZero();
    assertThat(ours(r)).isEmpty();
    assertThat(others(r)).as("the router's and the user's own routes").isEqualTo(theirs);
    given()
        .get("/api/routes/audit?router=" + name)
        .then()
        .body("action", hasItem("remove"))
        .body("reason", hasItem("no longer wanted"))
        .body("find { it.action == 'add' }.outcome", equalTo("ok"));
  }

  /**
   * A block of an IPv6 prefix beside an IPv4 one: each goes to its own menu ({@code /ipv6/route}),
   * without RouterOS 7's table words on the RouterOS 6 router, and both go when the block lifts.
   */
  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void ipv6BlocksGetIpv6RoutesThatGoWhenTheBlockLifts(String name) {
    RouterOsEmulator r = router(name);
    List<Map<String, String>> theirs6 = others6(r);
    claim("149.154.164.0/22", "2001:67c:4e8::/48");
    JsonPath s = sync(name);
    assertThat(s.getString("error")).isNull();
    assertThat(ours(r)).containsExactly("149.154.164.0/22");
    assertThat(ours6(r)).containsExactly("2001:67c:4e8::/48");
    Map<String, String> route = r.route("2001:67c:4e8::/48");
    assertThat(route)
        .containsEntry("gateway", "gre-tunnel1")
        .containsEntry("comment", "detour 149.154.164.0/22 blocked (injected TCP RST)")
        .doesNotContainKey("routing-mark");

    claim();
    s = sync(name);
    assertThat(s.getString("error")).isNull();
    assertThat(ours6(r)).isEmpty();
    assertThat(ours(r)).isEmpty();
    assertThat(others6(r)).as("the router's own IPv6 routes").isEqualTo(theirs6);
  }

  static List<String> ours6(RouterOsEmulator r) {
    return r.entries("ipv6/route").stream()
        .filter(e -> e.getOrDefault("comment", "").startsWith("detour "))
        .map(e -> e.get("dst-address"))
        .sorted()
        .toList();
  }

  static List<Map<String, String>> others6(RouterOsEmulator r) {
    return r.entries("ipv6/route").stream()
        .filter(e -> !e.getOrDefault("comment", "").startsWith("detour "))
        .toList();
  }

  /**
   * IPv6 counts go beside IPv4's in the status, the API and the page, as exact decimal strings in
   * JSON: on the router with a budget of 2, the /23 takes one route and one IPv6 route covers both
   * addresses, with 2^67 - 2 collateral addresses, past what a JSON number holds exactly.
   */
  @org.junit.jupiter.api.Test
  void ipv6AddressesAreCountedApartAsExactStrings() {
    claim("149.154.164.0/23", "2001:67c:4e8:f002::a/128", "2001:67c:4e8:f004::a/128");
    String json =
        given().post("/api/routes/routers/api/plan").then().statusCode(200).extract().asString();

    JsonPath s = new JsonPath(json);
    assertThat(s.getList("routes", String.class))
        .containsExactly("149.154.164.0/23", "2001:67c:4e8:f000::/61");
    assertThat(s.getLong("wantedAddresses")).isEqualTo(512);
    assertThat(s.getLong("collateralAddresses")).isZero();
    assertThat(json)
        .contains("\"wantedAddressesV6\":\"2\"")
        .contains("\"collateralAddressesV6\":\"147573952589676412926\"")
        .contains("\"uncoveredAddressesV6\":\"0\"");
    given()
        .get("/routes")
        .then()
        .statusCode(200)
        .body(containsString("147573952589676412926"))
        .body(containsString("IPv6 addresses routed beyond the 2 blocked"));

    // Two routes for two IPv4 prefixes and two IPv6 addresses: the IPv6 ones are left out.
    claim(
        "149.154.164.0/23",
        "2001:67c:4e8:f002::a/128",
        "2001:67c:4e8:f004::a/128",
        "91.108.4.0/22");
    s =
        new JsonPath(
            given()
                .post("/api/routes/routers/api/plan")
                .then()
                .statusCode(200)
                .extract()
                .asString());
    assertThat(s.getString("uncoveredAddressesV6")).isEqualTo("2");
    given().get("/routes").then().body(containsString("2 blocked IPv6 addresses left out"));
  }

  /**
   * The guard rails the configuration names — the tunnel's far end, the router's WAN address, a
   * resolver in use, an exclusion — are cut out of what a block claims, and the status says why.
   */
  @org.junit.jupiter.api.Test
  void whatTheConfigurationFencesIsNeverRouted() {
    claim("91.108.56.0/22", "95.161.64.0/23");
    JsonPath s = sync("rest");
    assertThat(s.getString("error")).isNull();
    List<String> routed = ours(REST);
    assertThat(routed).isNotEmpty();
    for (String fenced : List.of("91.108.56.1", "95.161.64.1", "91.108.57.53", "95.161.65.7")) {
      inet.ipaddr.IPAddress a = new inet.ipaddr.IPAddressString(fenced).getAddress();
      assertThat(routed)
          .as(fenced)
          .noneMatch(p -> new inet.ipaddr.IPAddressString(p).getAddress().contains(a));
    }
    assertThat(s.getList("fenced.reason", String.class))
        .contains(
            "tunnel endpoint 91.108.56.1",
            "the router's WAN address 95.161.64.1",
            "DNS resolver in use 91.108.57.53",
            "excluded in configuration 95.161.65.0/24");
    // Everything else in the claimed ranges is routed: 1,024 + 512 less the four fences.
    long covered =
        routed.stream()
            .mapToLong(
                p -> new inet.ipaddr.IPAddressString(p).getAddress().getCount().longValueExact())
            .sum();
    assertThat(covered).isEqualTo(1024 + 512 - 3 - 256);
  }

  /** The claims this watch holds now: prefix → released (or null while wanted). */
  Map<String, Instant> held() {
    return QuarkusTransaction.requiringNew()
        .call(
            () ->
                RouteClaim.<RouteClaim>list("key.watchId", watch).stream()
                    .collect(
                        java.util.stream.Collectors.toMap(
                            c -> c.key.prefix(),
                            c -> c.releasedAt == null ? Instant.EPOCH : c.releasedAt)));
  }

  Standing standing(WatchState state, Part... parts) {
    BlockMethod method = state == WatchState.BLOCKED ? TcpRule.TCP_BLACKHOLE : null;
    return new Standing(watch, state, method, List.of(parts), true);
  }

  static Part part(String prefix, WatchState state) {
    return new Part(
        prefix,
        state,
        state == WatchState.BLOCKED ? TcpRule.TCP_BLACKHOLE : null,
        Instant.now(),
        null);
  }

  void withdraw(String value) {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"telegram\",\"routeWithdraw\":\"" + value + "\"}")
        .put("/api/groups/telegram")
        .then()
        .statusCode(200);
  }

  /**
   * From verdicts to routes and back: a blocked prefix claims what does not work directly; when the
   * block lifts the claims are released, stay routed through the group's grace, and go after it; an
   * unknown state (this vantage offline) changes nothing; a group that keeps its routes never lets
   * them go; the watch deleted takes them at once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void claimsFollowTheVerdictsThroughTheGroupsGrace(String name) {
    RouterOsEmulator r = router(name);
    Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
    withdraw("10m");
    Standing blocked =
        standing(
            WatchState.BLOCKED,
            part("149.154.164.0/24", WatchState.BLOCKED),
            part("149.154.165.0/24", WatchState.BLOCKED),
            part("149.154.166.0/24", WatchState.UP),
            part("149.154.167.0/24", WatchState.BLOCKED));
    RouteClaims.Refresh first = claims.refresh(List.of(blocked), t0);
    assertThat(first.added()).isEqualTo(2);
    assertThat(held()).containsOnlyKeys("149.154.164.0/23", "149.154.167.0/24");
    sync(name);
    assertThat(ours(r)).containsExactly("149.154.164.0/23", "149.154.167.0/24");
    // (A sync refreshes the claims from this test's idle monitor too; the next line undoes that.)
    assertThat(claims.refresh(List.of(blocked), t0).added()).isZero();

    // This vantage goes offline: unknown is no reason to withdraw anything.
    claims.refresh(List.of(standing(WatchState.UNKNOWN)), t0.plusSeconds(60));
    assertThat(held()).containsValues(Instant.EPOCH, Instant.EPOCH);

    // The block lifts: released, but kept through the grace of ten minutes.
    Instant lifted = t0.plusSeconds(120);
    RouteClaims.Refresh cleared = claims.refresh(List.of(standing(WatchState.UP)), lifted);
    assertThat(cleared.released()).isEqualTo(2);
    assertThat(cleared.removed()).isZero();
    assertThat(held()).containsValues(lifted, lifted);
    claims.refresh(List.of(standing(WatchState.UP)), lifted.plus(Duration.ofMinutes(9)));
    assertThat(held()).containsValues(lifted, lifted);

    // Blocked again within the grace: the same claims are wanted again, not added twice.
    RouteClaims.Refresh again = claims.refresh(List.of(blocked), lifted.plusSeconds(570));
    assertThat(again.added()).isZero();
    assertThat(held()).containsValues(Instant.EPOCH, Instant.EPOCH);
    Instant liftedAgain = lifted.plusSeconds(600);
    claims.refresh(List.of(standing(WatchState.DOWN)), liftedAgain);
    RouteClaims.Refresh gone =
        claims.refresh(
            List.of(standing(WatchState.DOWN)), liftedAgain.plus(Duration.ofMinutes(10)));
    assertThat(gone.removed()).isEqualTo(2);
    assertThat(held()).isEmpty();
    sync(name);
    assertThat(ours(r)).isEmpty();

    // A group that keeps its routes: released, never withdrawn.
    withdraw("keep");
    claims.refresh(List.of(blocked), t0);
    claims.refresh(List.of(standing(WatchState.UP)), t0.plusSeconds(60));
    claims.refresh(List.of(standing(WatchState.UP)), t0.plus(Duration.ofDays(365)));
    assertThat(held()).hasSize(2).doesNotContainValue(Instant.EPOCH);
    sync(name);
    assertThat(ours(r)).hasSize(2);

    // The watch deleted: its claims go at once, and so do its routes.
    given().delete("/api/watches/" + watch).then().statusCode(204);
    claims.refresh(List.of(), t0.plus(Duration.ofDays(366)));
    assertThat(held()).isEmpty();
    sync(name);
    assertThat(ours(r)).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"rest", "api"})
  void aWrongPasswordIsABadGatewayThatSaysSo(String name) {
    RouterOsEmulator r = router(name);
    r.password("changed");
    r.reboot(); // an open API session outlives a password change; a restart does not
    try {
      given()
          .post("/api/routes/routers/" + name + "/test")
          .then()
          .statusCode(502)
          .contentType("application/problem+json")
          .body("detail", containsString(name));
      JsonPath s = sync(name);
      assertThat(s.getString("error")).isNotBlank().doesNotContain(RouterOsEmulator.PASSWORD);
    } finally {
      r.password(RouterOsEmulator.PASSWORD);
    }
  }
}
