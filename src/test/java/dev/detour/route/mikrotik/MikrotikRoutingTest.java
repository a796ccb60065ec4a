package dev.detour.route.mikrotik;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import dev.detour.route.RouteClaim;
import dev.detour.testing.Database;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The service's route sync against two emulated MikroTiks, one over REST (RouterOS 7) and one over
 * the API protocol (RouterOS 6): a blocked watch's claims become routes with Detour's comment, the
 * tunnel going down holds new routes back, a router failing half-way is mended by the next sync,
 * and the claims going (the block lifted and its grace passed) withdraw the routes — the user's and
 * the router's own routes untouched all along.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
@TestProfile(MikrotikRoutingTest.TwoRouters.class)
class MikrotikRoutingTest {

  static final RouterOsEmulator REST = new RouterOsEmulator();
  static final RouterOsEmulator API = new RouterOsEmulator();

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
          // Syncs come from the test, not the clock.
          Map.entry("detour.routes.sync-every", "1h"));
    }
  }

  @Inject Database db;

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
        .body("answer", containsString("RouterOS 7.16"));

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
