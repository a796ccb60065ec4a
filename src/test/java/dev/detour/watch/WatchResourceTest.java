package dev.detour.watch;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
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
class WatchResourceTest {

  @Inject Database db;

  @BeforeEach
  void seedGroups() {
    db.clear();
    GroupResourceTest.createGroup("{\"name\": \"telegram\"}");
    GroupResourceTest.createGroup("{\"name\": \"rutracker\"}");
  }

  static int createWatch(String json) {
    return given()
        .contentType(ContentType.JSON)
        .body(json)
        .post("/api/watches")
        .then()
        .statusCode(201)
        .extract()
        .path("id");
  }

  @Test
  void normalisesThePrefixAndWarns() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"149.154.164.1/22\", \"group\": \"telegram\", \"tags\": [\"DC\"]}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .header("Location", containsString("/api/watches/"))
        .body("target", equalTo("149.154.164.0/22"))
        .body("kind", equalTo("prefix"))
        .body("ports", contains(80, 443))
        .body("probes", nullValue())
        .body("effectiveProbes", hasItem("tcp_syn"))
        .body("tags", contains("dc"))
        .body("enabled", equalTo(true))
        .body("createdAt", notNullValue())
        .body("warnings[0]", containsString("149.154.164.0/22"));
  }

  @Test
  void aUrlsExplicitPortIsTheWatchsPortUnlessPortsAreGiven() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"https://203.0.113.10:8443/x\", \"group\": \"telegram\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .body("target", equalTo("203.0.113.10"))
        .body("ports", contains(8443))
        .body("warnings", hasItem(containsString("port 8443 from the URL is the port probed")));
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"target\": \"https://203.0.113.10:8443/x\", \"group\": \"rutracker\","
                + " \"ports\": [443]}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .body("ports", contains(443));
    // No port in the URL: the defaults, as before.
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"https://203.0.113.11/x\", \"group\": \"telegram\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .body("ports", contains(80, 443));
  }

  @Test
  void storesInternationalNamesAsPunycode() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"Легально.COM\", \"group\": \"rutracker\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .body("target", equalTo("xn--80affxdmh4i.com"))
        .body("kind", equalTo("host"));
  }

  @Test
  void refusesADuplicateInTheSameGroupButNotInAnother() {
    createWatch("{\"target\": \"149.154.164.0/22\", \"group\": \"telegram\"}");
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"149.154.167.255/22\", \"group\": \"telegram\"}")
        .post("/api/watches")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("target"))
        .body("detail", containsString("already watched in group 'telegram'"));
    createWatch("{\"target\": \"149.154.164.0/22\", \"group\": \"rutracker\"}");
    given().get("/api/watches").then().header("X-Total-Count", "2");
  }

  @Test
  void namesEveryBadFieldAndStoresNothing() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"target\": \"1.2.3.4/33\", \"group\": \"nope\", \"ports\": [80, 70000],"
                + " \"tags\": [\"a,b\"], \"probes\": []}")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("type", equalTo("urn:detour:problem:validation"))
        .body("errors.field", contains("target", "group", "ports[1]", "probes", "tags"))
        .body("errors[0].message", containsString("prefix length 33"))
        .body("errors[1].message", containsString("POST /api/groups"));
    given().get("/api/watches").then().header("X-Total-Count", "0");
  }

  @Test
  void refusesBadTargetsWithAReason() {
    for (String[] bad :
        new String[][] {
          {"300.1.1.1", "300 is not an IPv4 octet"},
          {"rutracker .org", "contains a space"},
          {"", "target is empty"},
          {"0.0.0.0/0", "covers too much"}
        }) {
      given()
          .contentType(ContentType.JSON)
          .body("{\"target\": \"" + bad[0] + "\", \"group\": \"telegram\"}")
          .post("/api/watches")
          .then()
          .statusCode(400)
          .body("errors[0].field", equalTo("target"))
          .body("errors[0].message", containsString(bad[1]));
    }
  }

  @Test
  void jsonOfTheWrongShapeIsA400ThatNamesTheField() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"1.2.3.4\", \"group\": \"telegram\", \"ports\": \"80\"}")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("ports"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"targt\": \"1.2.3.4\"}")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .body("detail", containsString("unknown field 'targt'"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"1.2.3.4\", \"group\": \"telegram\", \"probes\": [\"smoke\"]}")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("probes[0]"))
        .body("detail", containsString("known probes"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": ")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .body("detail", containsString("not valid JSON"));
    given()
        .contentType(ContentType.JSON)
        .body("[\"1.2.3.4\"]")
        .post("/api/watches")
        .then()
        .statusCode(400)
        .contentType("application/problem+json");
  }

  @Test
  void updatesAndDeletesAndAnswers404ForUnknownIds() {
    int id = createWatch("{\"target\": \"rutracker.org\", \"group\": \"rutracker\"}");
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"target\": \"rutracker.org\", \"group\": \"rutracker\", \"ports\": [443],"
                + " \"enabled\": false, \"note\": \"seed\", \"probes\": [\"http\"]}")
        .put("/api/watches/" + id)
        .then()
        .statusCode(200)
        .body("ports", contains(443))
        .body("enabled", equalTo(false))
        .body("effectiveProbes", contains("http"));
    given().get("/api/watches/" + id).then().statusCode(200).body("note", equalTo("seed"));
    given().delete("/api/watches/" + id).then().statusCode(204);
    given()
        .get("/api/watches/" + id)
        .then()
        .statusCode(404)
        .contentType("application/problem+json");
    given().delete("/api/watches/" + id).then().statusCode(404);
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"a.org\", \"group\": \"rutracker\"}")
        .put("/api/watches/999999")
        .then()
        .statusCode(404);
  }

  @Test
  void anUpdateMayNotCollideWithAnotherWatch() {
    createWatch("{\"target\": \"1.2.3.4\", \"group\": \"telegram\"}");
    int id = createWatch("{\"target\": \"1.2.3.5\", \"group\": \"telegram\"}");
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"1.2.3.4\", \"group\": \"telegram\"}")
        .put("/api/watches/" + id)
        .then()
        .statusCode(409);
    given().get("/api/watches/" + id).then().body("target", equalTo("1.2.3.5"));
  }

  @Test
  void pagesAndFiltersByGroupTagTextAndKind() {
    for (int i = 0; i < 25; i++) {
      createWatch("{\"target\": \"198.51.100." + i + "\", \"group\": \"telegram\"}");
    }
    createWatch(
        "{\"target\": \"rutracker.org\", \"group\": \"rutracker\", \"tags\": [\"torrent\"],"
            + " \"note\": \"Seed 100% blocked\"}");
    createWatch(
        "{\"target\": \"195.82.146.0/24\", \"group\": \"rutracker\", \"tags\": [\"torrent\"]}");

    given()
        .get("/api/watches?group=telegram&page=1&size=10")
        .then()
        .statusCode(200)
        .header("X-Total-Count", "25")
        .body("", hasSize(10))
        .body("[0].target", equalTo("198.51.100.10"));
    given().get("/api/watches?group=telegram&page=2&size=10").then().body("", hasSize(5));
    given()
        .get("/api/watches?tag=torrent")
        .then()
        .header("X-Total-Count", "2")
        .body("target", containsInAnyOrder("rutracker.org", "195.82.146.0/24"));
    given().get("/api/watches?q=RUTRACKER").then().header("X-Total-Count", "1");
    given().queryParam("q", "100%").get("/api/watches").then().header("X-Total-Count", "1");
    given().queryParam("q", "100_").get("/api/watches").then().header("X-Total-Count", "0");
    given()
        .get("/api/watches?kind=prefix")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].target", equalTo("195.82.146.0/24"));
    given()
        .get("/api/watches?size=0")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("size"));
    given().get("/api/watches?kind=planet").then().statusCode(400);
  }

  @Test
  void anAddressFindsTheWatchesThatHoldIt() {
    createWatch("{\"target\": \"149.154.164.0/22\", \"group\": \"telegram\"}");
    createWatch("{\"target\": \"149.154.167.99\", \"group\": \"telegram\"}");
    createWatch("{\"target\": \"2001:db8::/32\", \"group\": \"rutracker\"}");
    createWatch("{\"target\": \"195.82.146.0/24\", \"group\": \"rutracker\"}");
    given()
        .get("/api/watches?q=149.154.164.5")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].target", equalTo("149.154.164.0/22"));
    given()
        .get("/api/watches?q=149.154.167.99")
        .then()
        .header("X-Total-Count", "2")
        .body("target", containsInAnyOrder("149.154.164.0/22", "149.154.167.99"));
    given()
        .queryParam("q", "2001:DB8:0:0::7")
        .get("/api/watches")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].target", equalTo("2001:db8::/32"));
    // With the other filters, as any text search.
    given().get("/api/watches?q=149.154.164.5&group=rutracker").then().header("X-Total-Count", "0");
    given().get("/api/watches?q=10.0.0.1").then().header("X-Total-Count", "0");
  }
}
