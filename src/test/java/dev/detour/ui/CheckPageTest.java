package dev.detour.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * "Ask my ISP" over HTTP: a bad target is refused at its field; a good one (loopback) starts a
 * check whose event stream tells each probe as it ends and then "done", and whose page then shows
 * the verdict, the evidence and the way to watch it.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class CheckPageTest {

  @Test
  void aTargetIsCheckedAProbeAtATimeThenJudged() throws Exception {
    String refused =
        PagesTest.form()
            .formParam("target", "not a target!")
            .post("/check")
            .then()
            .statusCode(400)
            .extract()
            .asString();
    assertThat(refused).contains("id=\"target-error\"").contains("value=\"not a target!\"");
    PagesTest.form().formParam("target", "198.51.100.0/24").post("/check").then().statusCode(400);

    String live =
        PagesTest.form()
            .formParam("target", "127.0.0.1")
            .post("/check")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    // Under way (it listens to /check/{id}/events), or already done when the probes were quick.
    Matcher m = Pattern.compile("data-check=\"([0-9a-f]+)\"").matcher(live);
    assertThat(m.find()).as(live).isTrue();
    String id = m.group(1);

    // The stream ends once the check is done (bounded by the probes' timeouts).
    String events =
        given()
            .accept("text/event-stream")
            .get("/check/" + id + "/events")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(events).contains("event:step").contains("<strong>icmp</strong>");
    assertThat(events).contains("event:done");
    assertThat(events.indexOf("event:done")).isGreaterThan(events.lastIndexOf("event:step"));

    String done = given().get("/check/" + id).then().statusCode(200).extract().asString();
    assertThat(done)
        .contains("id=\"check-result\"")
        .contains("id=\"check-state\"")
        .contains("href=\"/watches/new?target=127.0.0.1\"")
        .doesNotContain("sse-connect=\"/check/");
    given().get("/check/ffffffffff").then().statusCode(404);
    given()
        .get("/watches/new?target=127.0.0.1")
        .then()
        .body(org.hamcrest.Matchers.containsString("value=\"127.0.0.1\""));
  }
}
