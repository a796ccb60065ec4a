package dev.detour.watch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class GroupResourceTest {

  @Inject Database db;

  @BeforeEach
  void empty() {
    db.clear();
  }

  static void createGroup(String json) {
    given().contentType(ContentType.JSON).body(json).post("/api/groups").then().statusCode(201);
  }

  @Test
  void createsTheSeedsGroupsWithTheirDefaults() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"name\": \"Telegram\", \"intervalSeconds\": 30, \"probes\": [\"icmp\", \"tcp_syn\"]}")
        .post("/api/groups")
        .then()
        .statusCode(201)
        .header("Location", endsWith("/api/groups/telegram"))
        .body("name", equalTo("telegram"))
        .body("effectiveIntervalSeconds", equalTo(30))
        .body("probes", contains("icmp", "tcp_syn"))
        .body("routeBlocked", equalTo(true));
    createGroup("{\"name\": \"linkedin\", \"routeBlocked\": false, \"routeQuicBlocks\": true}");
    createGroup("{\"name\": \"rutracker\"}");

    given()
        .get("/api/groups")
        .then()
        .statusCode(200)
        .body("name", contains("linkedin", "rutracker", "telegram"))
        .body("find { it.name == 'rutracker' }.intervalSeconds", nullValue())
        .body("find { it.name == 'rutracker' }.effectiveIntervalSeconds", equalTo(60))
        .body("find { it.name == 'linkedin' }.routeBlocked", equalTo(false))
        .body("find { it.name == 'linkedin' }.routeQuicBlocks", equalTo(true))
        .body("find { it.name == 'rutracker' }.routeQuicBlocks", equalTo(false));
  }

  @Test
  void aGroupProbesTheFamiliesItSaysAndRefusesOthersByName() {
    createGroup("{\"name\": \"v6home\", \"families\": \"V6\"}");
    createGroup("{\"name\": \"plain\"}");
    given()
        .get("/api/groups")
        .then()
        .statusCode(200)
        .body("find { it.name == 'v6home' }.families", equalTo("v6"))
        .body("find { it.name == 'v6home' }.effectiveFamilies", equalTo("v6"))
        .body("find { it.name == 'plain' }.families", nullValue())
        .body("find { it.name == 'plain' }.effectiveFamilies", equalTo("both"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"odd\", \"families\": \"ipv7\"}")
        .post("/api/groups")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body(containsString("families"))
        .body(containsString("both, v4 or v6"));
    given().get("/api/groups/odd").then().statusCode(404);
  }

  @Test
  void refusesADuplicateName() {
    createGroup("{\"name\": \"telegram\"}");
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"TELEGRAM\"}")
        .post("/api/groups")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("detail", containsString("exists already"));
  }

  @Test
  void refusesBadFieldsAllAtOnceAndNamesThem() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"my group\", \"intervalSeconds\": 1, \"probes\": []}")
        .post("/api/groups")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors", hasSize(3))
        .body("errors.field", contains("name", "intervalSeconds", "probes"));
    given().get("/api/groups").then().body("", hasSize(0));
  }

  @Test
  void renamesAndChangesAGroupKeepingItsWatches() {
    createGroup("{\"name\": \"tg\"}");
    WatchResourceTest.createWatch("{\"target\": \"149.154.164.0/22\", \"group\": \"tg\"}");
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"telegram\", \"intervalSeconds\": 120}")
        .put("/api/groups/tg")
        .then()
        .statusCode(200)
        .body("name", equalTo("telegram"))
        .body("watchCount", equalTo(1));
    given().get("/api/groups/tg").then().statusCode(404);
    given().get("/api/watches?group=telegram").then().header("X-Total-Count", "1");
  }

  @Test
  void deletingAGroupWithWatchesNeedsCascade() {
    createGroup("{\"name\": \"telegram\"}");
    WatchResourceTest.createWatch("{\"target\": \"149.154.164.0/22\", \"group\": \"telegram\"}");
    given()
        .delete("/api/groups/telegram")
        .then()
        .statusCode(409)
        .body("detail", containsString("cascade=true"));
    given().delete("/api/groups/telegram?cascade=true").then().statusCode(204);
    given().get("/api/groups/telegram").then().statusCode(404);
    given().get("/api/watches").then().header("X-Total-Count", "0");
  }

  @Test
  void unknownGroupIs404WithAProblem() {
    given()
        .get("/api/groups/nope")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body("detail", containsString("POST /api/groups"));
  }
}
