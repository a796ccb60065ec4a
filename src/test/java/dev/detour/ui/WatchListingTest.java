package dev.detour.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.monitor.WatchStatus;
import dev.detour.testing.Database;
import dev.detour.watch.GroupInput;
import dev.detour.watch.GroupService;
import dev.detour.watch.WatchInput;
import dev.detour.watch.WatchService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The list sorted and filtered by what the database does not hold: states, methods, changes. */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class WatchListingTest {

  @Inject Database db;
  @Inject GroupService groups;
  @Inject WatchService watches;

  final Instant t = Instant.parse("2026-12-07T10:00:00Z");

  @BeforeEach
  void fill() {
    db.clear();
    groups.create(new GroupInput("g", null, 60, null, null, null));
    long up = add("203.0.113.9", true);
    long rst = add("203.0.113.1", true);
    long dns = add("blocked.example", true);
    add("203.0.113.5", false);
    QuarkusTransaction.requiringNew()
        .run(
            () -> {
              status(up, "UP", null, t.minusSeconds(60));
              status(rst, "BLOCKED", "TCP_RST_INJECTED", t.minusSeconds(3600));
              status(dns, "BLOCKED", "DNS_TAMPERED", t);
            });
  }

  private long add(String target, boolean enabled) {
    return watches.create(new WatchInput(target, "g", null, null, null, null, enabled)).id();
  }

  private static void status(long id, String state, String method, Instant since) {
    WatchStatus s = new WatchStatus();
    s.watchId = id;
    s.state = state;
    s.method = method;
    s.since = since;
    s.persist();
  }

  /** The targets of the list's rows, in order. */
  private static List<String> targets(String query) {
    String page =
        given()
            .get(query.isEmpty() ? "/watches" : "/watches?" + query)
            .then()
            .statusCode(200)
            .extract()
            .asString();
    Matcher m = Pattern.compile("<a href=\"/watches/\\d+\">([^<]+)</a>").matcher(page);
    List<String> all = new ArrayList<>();
    while (m.find()) {
      all.add(m.group(1));
    }
    return all;
  }

  @Test
  void blockedFirstThenByLatestChange() {
    assertThat(targets("sort=blocked"))
        .containsExactly("blocked.example", "203.0.113.1", "203.0.113.5", "203.0.113.9");
    assertThat(targets("sort=since").subList(0, 3))
        .containsExactly("blocked.example", "203.0.113.9", "203.0.113.1");
    assertThat(targets("sort=target"))
        .containsExactly("203.0.113.1", "203.0.113.5", "203.0.113.9", "blocked.example");
    assertThat(targets(""))
        .containsExactly("203.0.113.9", "203.0.113.1", "blocked.example", "203.0.113.5");
  }

  @Test
  void aMethodKeepsTheWatchesBlockedThatWayAndSaysItInWords() {
    assertThat(targets("method=tcp_rst_injected")).containsExactly("203.0.113.1");
    assertThat(targets("method=dns_tampered&sort=target")).containsExactly("blocked.example");
    String page = given().get("/watches?state=blocked").then().extract().asString();
    assertThat(page).contains("title=\"tcp_rst_injected\">injected TCP reset</span>");
    String refused =
        given().get("/watches?sort=sideways").then().statusCode(400).extract().asString();
    assertThat(refused).contains("sort is added, target, blocked or since");
    given().get("/watches?method=teleport").then().statusCode(400);
  }
}
