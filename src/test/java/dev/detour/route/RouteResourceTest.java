package dev.detour.route;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The route API without a router: pins, exclusions, switches, the audit log, the tunnel helper. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class RouteResourceTest {

  @Inject Database db;

  @BeforeEach
  void empty() {
    db.clear();
  }

  static io.restassured.response.ValidatableResponse post(String path, String json) {
    return given().contentType(ContentType.JSON).body(json).post(path).then();
  }

  @Test
  void pinsAreNormalisedListedAndRemoved() {
    int id =
        post("/api/routes/pins", "{\"prefix\":\"149.154.167.99/22\",\"note\":\"telegram\"}")
            .statusCode(201)
            .header("Location", containsString("/api/routes/pins/"))
            .body("prefix", equalTo("149.154.164.0/22"))
            .body("source", equalTo("api"))
            .body("createdBy", equalTo("admin"))
            .extract()
            .path("id");
    post("/api/routes/pins", "{\"prefix\":\"1.2.3.4\"}")
        .statusCode(201)
        .body("prefix", equalTo("1.2.3.4/32"));
    given()
        .get("/api/routes/pins")
        .then()
        .statusCode(200)
        .body("prefix", hasItem("149.154.164.0/22"))
        .body("$", hasSize(2));
    given().delete("/api/routes/pins/" + id).then().statusCode(204);
    given().get("/api/routes/pins").then().body("$", hasSize(1));
    given()
        .get("/api/routes/audit")
        .then()
        .statusCode(200)
        .body("action", hasItem("pin"))
        .body("detail", hasItem("removed"))
        .body("[0].prefix", equalTo("149.154.164.0/22"));
  }

  @Test
  void badPinsAreRefusedWithAReason() {
    post("/api/routes/pins", "{\"prefix\":\"telegram.org\"}")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("prefix"))
        .body("errors[0].message", containsString("no address or prefix"));
    post("/api/routes/pins", "{\"prefix\":\"0.0.0.0/0\"}")
        .statusCode(400)
        .body("errors[0].message", containsString("shorter than /8"));
    post("/api/routes/pins", "{}").statusCode(400).body("errors[0].field", equalTo("prefix"));
    post("/api/routes/pins", "{\"prefix\":\"10.0.0.0/24\"}").statusCode(201);
    post("/api/routes/pins", "{\"prefix\":\"10.0.0.0/24\"}")
        .statusCode(409)
        .body("detail", containsString("already a pin"));
    given().delete("/api/routes/pins/999999").then().statusCode(404);
    given().get("/api/routes/pins").then().body("$", hasSize(1));
  }

  @Test
  void exclusionsMayBeWide() {
    post("/api/routes/exclusions", "{\"prefix\":\"0.0.0.0/1\",\"note\":\"half the world\"}")
        .statusCode(201)
        .body("prefix", equalTo("0.0.0.0/1"));
    given().get("/api/routes/exclusions").then().body("note", hasItem("half the world"));
  }

  @Test
  void switchesAreKeptAndAudited() {
    given()
        .get("/api/routes/switches")
        .then()
        .body("killSwitch", equalTo(false))
        .body("dryRun", equalTo(false));
    given()
        .contentType(ContentType.JSON)
        .body("{\"killSwitch\":true}")
        .put("/api/routes/switches")
        .then()
        .statusCode(200)
        .body("killSwitch", equalTo(true))
        .body("dryRun", equalTo(false));
    given().get("/api/routes").then().body("switches.killSwitch", equalTo(true));
    given()
        .contentType(ContentType.JSON)
        .body("{}")
        .put("/api/routes/switches")
        .then()
        .statusCode(400)
        .body("detail", containsString("killSwitch"));
    given()
        .get("/api/routes/audit")
        .then()
        .body("[0].action", equalTo("kill-switch"))
        .body("[0].detail", equalTo("on"));
  }

  @Test
  void unknownRoutersSayHowToConfigureOne() {
    given()
        .get("/api/routes/routers/home")
        .then()
        .statusCode(404)
        .body("detail", containsString("detour.routers.<name>"));
    given().post("/api/routes/routers/home/sync").then().statusCode(404);
    given().get("/api/routes").then().statusCode(200).body("routers", hasSize(0));
  }

  @Test
  void theTunnelHelperWritesBothEnds() {
    post(
            "/api/routes/tunnel",
            "{\"serverAddress\":\"203.0.113.7\",\"routerAddress\":\"198.51.100.9\","
                + "\"detourHost\":\"192.168.88.10\",\"routerOs\":7}")
        .statusCode(200)
        .body(
            "server",
            containsString("ip tunnel add gre-home mode gre local 203.0.113.7 remote 198.51.100.9"))
        .body("server", containsString("masquerade"))
        .body("server", containsString("post-up ip route add 192.168.88.0/24 via 10.255.255.2"))
        .body("mikrotik", containsString("remote-address=203.0.113.7"))
        .body("mikrotik", containsString("new-mss=clamp-to-pmtu"))
        .body("mikrotik", containsString("src-address=192.168.88.10/32"))
        .body("detour", containsString("detour.routers.home.type=mikrotik-rest"))
        .body("detour", containsString("detour.routes.tunnel-endpoints=203.0.113.7"));
    post("/api/routes/tunnel", "{\"serverAddress\":\"10.0.0.1\",\"routerOs\":5}")
        .statusCode(400)
        .body("errors.field", hasItem("serverAddress"))
        .body("errors.field", hasItem("routerAddress"))
        .body("errors.field", hasItem("routerOs"));
  }

  @Test
  void groupsSayWhenTheirRoutesGo() {
    post("/api/groups", "{\"name\":\"telegram\",\"routeWithdraw\":\"keep\"}")
        .statusCode(201)
        .body("routeWithdraw", equalTo("keep"))
        .body("effectiveRouteWithdraw", equalTo("keep"));
    post("/api/groups", "{\"name\":\"linkedin\",\"routeWithdraw\":\"2h\"}")
        .statusCode(201)
        .body("routeWithdraw", equalTo("7200s"));
    post("/api/groups", "{\"name\":\"other\"}")
        .statusCode(201)
        .body("routeWithdraw", nullValue())
        .body("effectiveRouteWithdraw", equalTo("600s"));
    post("/api/groups", "{\"name\":\"bad\",\"routeWithdraw\":\"soon\"}")
        .statusCode(400)
        .body("errors[0].field", equalTo("routeWithdraw"))
        .body("errors[0].message", startsWith("how long routes stay"));
  }
}
