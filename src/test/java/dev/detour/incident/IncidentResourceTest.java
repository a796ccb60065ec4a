package dev.detour.incident;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.detour.monitor.IncidentFixtures;
import dev.detour.probe.http.HttpRule;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Incidents, statuses and the monitor as the API shows them, over the real database. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class IncidentResourceTest {

  @Inject Database db;
  @Inject IncidentFixtures fixtures;

  @BeforeEach
  void clean() {
    db.clear();
    given().contentType(ContentType.JSON).body("{\"name\":\"lab\"}").post("/api/groups");
  }

  long watch(String target) {
    return given()
        .contentType(ContentType.JSON)
        .body("{\"target\":\"" + target + "\",\"group\":\"lab\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  @Test
  void aStateChangeIsAnIncidentWithItsEvidenceAndTheWatchShowsIt() {
    long id = watch("198.18.0.1");
    Instant at = Instant.parse("2026-11-25T08:00:00Z");
    long incident = fixtures.blocked(id, "198.18.0.1", TcpRule.TCP_RST_INJECTED, at);

    given()
        .get("/api/incidents")
        .then()
        .statusCode(200)
        .header("X-Total-Count", "1")
        .body("[0].kind", equalTo("state_change"))
        .body("[0].from", equalTo("up"))
        .body("[0].to", equalTo("blocked"))
        .body("[0].method", equalTo("tcp_rst_injected"))
        .body("[0].detectionSeconds", equalTo(9.0f))
        .body("[0].summary", containsString("up → blocked (tcp_rst_injected) after 3 rounds"))
        .body("[0].evidence", nullValue());
    given()
        .get("/api/incidents/" + incident)
        .then()
        .body("evidence.verdict.method", equalTo("tcp_rst_injected"))
        .body("capture", equalTo("18f0a1b2c3d"));
    given()
        .get("/api/watches/" + id + "/status")
        .then()
        .statusCode(200)
        .body("state", equalTo("blocked"))
        .body("method", equalTo("tcp_rst_injected"))
        .body("since", equalTo("2026-11-25T08:00:00Z"))
        .body("confidence", equalTo(0.95f))
        .body("reasons", contains("evidence of 198.18.0.1"));
    given()
        .get("/api/status?state=blocked")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].target", equalTo("198.18.0.1"))
        .body("[0].status.method", equalTo("tcp_rst_injected"));
    given().get("/api/status?state=up").then().header("X-Total-Count", "0");
  }

  @Test
  void aWatchNeverProbedIsUnknown() {
    long id = watch("s1.lab.test");
    given()
        .get("/api/watches/" + id + "/status")
        .then()
        .body("state", equalTo("unknown"))
        .body("reasons", contains("not probed yet"));
    given().get("/api/watches/999999999/status").then().statusCode(404);
  }

  @Test
  void aMassBlockIsListedOnceWithItsMembersInside() {
    List<Long> members = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      String target = "198.18.128." + i;
      members.add(fixtures.blocked(watch(target), target, TcpRule.TCP_BLACKHOLE, Instant.now()));
    }
    long mass = fixtures.mass(TcpRule.TCP_BLACKHOLE, members);
    fixtures.event(Incident.Kind.VANTAGE_OFFLINE, "uplink down");

    given()
        .get("/api/incidents")
        .then()
        .header("X-Total-Count", "2")
        .body("kind", contains("vantage_offline", "mass_block"))
        .body("[1].members", equalTo(12))
        .body(
            "[1].summary",
            equalTo(
                "12 watches blocked by tcp_blackhole together (one mass block), all in"
                    + " 198.18.128.0/28"));
    given().get("/api/incidents?members=true").then().header("X-Total-Count", "14");
    given()
        .get("/api/incidents/" + mass)
        .then()
        .body("memberIncidents", hasSize(12))
        .body("memberIncidents[0].parent", equalTo((int) mass));
    given().get("/api/incidents?kind=vantage-offline").then().header("X-Total-Count", "1");
  }

  @Test
  void deletingAWatchKeepsItsHistory() {
    long id = watch("198.18.0.9");
    fixtures.blocked(id, "198.18.0.9", HttpRule.HTTP_BLOCKPAGE, Instant.now());
    given().delete("/api/watches/" + id).then().statusCode(204);
    given()
        .get("/api/incidents")
        .then()
        .body("[0].target", equalTo("198.18.0.9"))
        .body("[0].watch", nullValue());
  }

  @Test
  void badQueriesSayWhatToFix() {
    given()
        .get("/api/incidents?kind=explosion&since=yesterday&size=0")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", contains("kind", "since", "size"))
        .body("errors[0].message", containsString("known: state_change, mass_block"));
    given().get("/api/incidents/4242424242").then().statusCode(404);
    given()
        .get("/api/incidents?page=5000000&size=500")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("page"));
    given()
        .get("/api/status?state=sideways&method=magic")
        .then()
        .statusCode(400)
        .body("errors.field", contains("state", "method"))
        .body("errors[0].message", containsString("known: up, down, blocked, unknown"));
  }

  @Test
  void theMonitorSaysItIsOffInTests() {
    given()
        .get("/api/monitor")
        .then()
        .statusCode(200)
        .body("enabled", equalTo(false))
        .body("controlMode", equalTo("none"));
  }
}
