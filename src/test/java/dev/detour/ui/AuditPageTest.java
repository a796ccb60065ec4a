package dev.detour.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.RouteAudit;
import dev.detour.route.RouteAuditLog;
import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole audit log as a page: filtered by router and outcome, a hundred lines a page. */
@QuarkusTest
@TestSecurity(user = "viewer", roles = "viewer")
class AuditPageTest {

  @Inject Database db;
  @Inject RouteAuditLog log;

  @BeforeEach
  void fill() {
    db.clear();
    List<RouteAudit> lines = new ArrayList<>();
    for (int i = 0; i < 150; i++) {
      RouteAudit a = new RouteAudit();
      a.at = Instant.parse("2026-12-07T10:00:00Z").plusSeconds(i);
      a.router = i % 3 == 0 ? "home" : "office";
      a.action = "add";
      a.prefix = "198.18." + i + ".0/24";
      a.outcome = i == 149 ? "failed" : "ok";
      a.actor = "sync";
      a.reason = "blocked <b>" + i + "</b>";
      lines.add(a);
    }
    log.recordAll(lines);
  }

  @Test
  void aViewerReadsTheWholeLogAPageAtATimeFilteredAndEscaped() {
    String first = given().get("/routes/audit").then().statusCode(200).extract().asString();
    assertThat(first).contains("150 lines").contains("198.18.149.0/24").contains("page 1 of 2");
    assertThat(first).doesNotContain("198.18.49.0/24").contains("Older →");
    assertThat(first).contains("blocked &lt;b&gt;149&lt;/b&gt;").doesNotContain("<b>149</b>");
    String older = given().get("/routes/audit?page=1").then().statusCode(200).extract().asString();
    assertThat(older).contains("198.18.0.0/24").contains("← Newer");
    String home = given().get("/routes/audit?router=home").then().extract().asString();
    assertThat(home).contains("50 lines match").doesNotContain("198.18.1.0/24");
    String failed = given().get("/routes/audit?outcome=failed").then().extract().asString();
    assertThat(failed).contains("1 line match").contains("198.18.149.0/24");
    assertThat(given().get("/routes/audit?page=99").then().statusCode(200).extract().asString())
        .as("past the end: the last page")
        .contains("page 2 of 2");
    given()
        .get("/routes")
        .then()
        .statusCode(200)
        .body(
            org.hamcrest.Matchers.containsString(
                "<a href=\"/routes/audit\">all of the audit log</a>"));
  }
}
