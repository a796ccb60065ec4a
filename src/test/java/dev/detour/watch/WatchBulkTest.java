package dev.detour.watch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Many watches at once: counted first (dry run), then changed in one transaction — a group's
 * thousands enabled by one request, a paused selection enabled again when its pause ends, a move
 * that would put a target twice in a group refused whole.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class WatchBulkTest {

  @Inject Database db;
  @Inject WatchBulk bulk;

  @BeforeEach
  void clean() {
    db.clear();
    for (String g : List.of("imported", "other")) {
      given()
          .contentType(ContentType.JSON)
          .body("{\"name\":\"" + g + "\"}")
          .post("/api/groups")
          .then()
          .statusCode(201);
    }
  }

  private static void importDisabled(int n) {
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < n; i++) {
      list.append("198.18.").append(i / 250).append('.').append(i % 250 + 1).append('\n');
    }
    given()
        .contentType("text/plain")
        .body(list.toString())
        .post("/api/watches/import?group=imported&disabled=true")
        .then()
        .statusCode(200);
    given()
        .get("/api/watches?group=imported&enabled=false&size=1")
        .then()
        .header("X-Total-Count", String.valueOf(n));
  }

  private static io.restassured.response.ValidatableResponse post(String body) {
    return given().contentType(ContentType.JSON).body(body).post("/api/watches/bulk").then();
  }

  @Test
  void aGroupOfThousandsIsCountedThenEnabledByOneRequest() {
    importDisabled(3000);
    post("{\"action\":\"enable\",\"filter\":{\"group\":\"imported\"},\"dryRun\":true}")
        .statusCode(200)
        .body("matched", equalTo(3000))
        .body("changed", equalTo(3000))
        .body("dryRun", equalTo(true));
    given()
        .get("/api/watches?group=imported&enabled=true&size=1")
        .then()
        .header("X-Total-Count", "0");
    post("{\"action\":\"enable\",\"filter\":{\"group\":\"imported\"}}")
        .statusCode(200)
        .body("changed", equalTo(3000));
    given()
        .get("/api/watches?group=imported&enabled=true&size=1")
        .then()
        .header("X-Total-Count", "3000");
    post("{\"action\":\"enable\",\"filter\":{\"group\":\"imported\"}}")
        .statusCode(200)
        .body("matched", equalTo(3000))
        .body("changed", equalTo(0));
    // A filter narrower than the group: text.
    post("{\"action\":\"delete\",\"filter\":{\"group\":\"imported\",\"q\":\"198.18.11.\"}}")
        .statusCode(200)
        .body("changed", equalTo(250));
    given().get("/api/watches?group=imported&size=1").then().header("X-Total-Count", "2750");
    post("{\"action\":\"disable\",\"filter\":{\"group\":\"imported\",\"kind\":\"address\"}}")
        .statusCode(200)
        .body("changed", equalTo(2750));
  }

  @Test
  void aPausedSelectionIsEnabledAgainWhenItsPauseEnds() {
    importDisabled(3);
    List<Integer> ids =
        given().get("/api/watches?group=imported").then().extract().jsonPath().getList("id");
    String until =
        Instant.now()
            .plusSeconds(3600)
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
            .toString();
    post("{\"action\":\"pause\",\"ids\":["
            + ids.get(0)
            + ","
            + ids.get(1)
            + "],\"until\":\""
            + until
            + "\"}")
        .statusCode(200)
        .body("changed", equalTo(2))
        .body("until", equalTo(until));
    given()
        .get("/api/watches/" + ids.get(0))
        .then()
        .body("enabled", equalTo(false))
        .body("resumeAt", equalTo(until));
    assertThat(bulk.resumeDue(Instant.now())).isZero();
    assertThat(bulk.resumeDue(Instant.now().plusSeconds(3601))).isEqualTo(2);
    given()
        .get("/api/watches/" + ids.get(0))
        .then()
        .body("enabled", equalTo(true))
        .body("resumeAt", equalTo(null));
    given().get("/api/watches/" + ids.get(2)).then().body("enabled", equalTo(false));
  }

  @Test
  void aMoveThatWouldWatchATargetTwiceInAGroupIsRefusedWhole() {
    importDisabled(3);
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\":\"198.18.0.2\",\"group\":\"other\"}")
        .post("/api/watches")
        .then()
        .statusCode(201);
    post("{\"action\":\"move\",\"filter\":{\"group\":\"imported\"},\"group\":\"other\"}")
        .statusCode(409)
        .contentType("application/problem+json")
        .body(
            "detail",
            containsString("1 watch's target is already watched in group 'other' (198.18.0.2)"));
    given().get("/api/watches?group=imported&size=1").then().header("X-Total-Count", "3");
    post("{\"action\":\"move\",\"filter\":{\"group\":\"imported\",\"q\":\"198.18.0.3\"},\"group\":\"other\"}")
        .statusCode(200)
        .body("changed", equalTo(1))
        .body("group", equalTo("other"));
    given().get("/api/watches?group=other&size=1").then().header("X-Total-Count", "2");
  }

  @Test
  void aBadRequestSaysWhatToFixAndChangesNothing() {
    importDisabled(2);
    post("{\"action\":\"explode\",\"filter\":{}}")
        .statusCode(400)
        .body("errors[0].field", equalTo("action"))
        .body("errors[0].message", containsString("enable, disable, pause, move, delete"));
    post("{\"action\":\"enable\"}")
        .statusCode(400)
        .body("errors[0].field", equalTo("ids"))
        .body("errors[0].message", containsString("not neither"));
    post("{\"action\":\"enable\",\"ids\":[1],\"filter\":{}}")
        .statusCode(400)
        .body("errors[0].message", containsString("not both"));
    post("{\"action\":\"pause\",\"filter\":{},\"until\":\"2020-01-01T00:00:00Z\"}")
        .statusCode(400)
        .body("errors[0].field", equalTo("until"))
        .body("errors[0].message", containsString("future"));
    post("{\"action\":\"move\",\"filter\":{},\"group\":\"nowhere\"}")
        .statusCode(400)
        .body("errors[0].field", equalTo("group"));
    given().get("/api/watches?enabled=false&size=1").then().header("X-Total-Count", "2");
  }
}
