package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import dev.detour.testing.Database;
import dev.detour.watch.GroupInput;
import dev.detour.watch.GroupService;
import dev.detour.watch.Watch;
import dev.detour.watch.WatchInput;
import dev.detour.watch.WatchService;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The list's bulk actions in the browser's terms: a review page with the count, then the change in
 * one go, back on the list with what was done; a refused action says why and changes nothing.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class BulkPageTest {

  @Inject Database db;
  @Inject GroupService groups;
  @Inject WatchService watches;

  List<Long> ids = new ArrayList<>();

  @BeforeEach
  void fill() {
    db.clear();
    ids.clear();
    groups.create(new GroupInput("imported", null, 60, null, null, null));
    groups.create(new GroupInput("kept", null, 60, null, null, null));
    for (int i = 1; i <= 5; i++) {
      ids.add(
          watches
              .create(new WatchInput("203.0.113." + i, "imported", null, null, null, null, false))
              .id());
    }
  }

  private static long enabled() {
    return QuarkusTransaction.requiringNew().call(() -> Watch.count("enabled", true));
  }

  @Test
  void everyWatchAFilterMatchesIsCountedThenEnabledInOneGo() {
    String review =
        PagesTest.form()
            .formParam("scope", "matching")
            .formParam("action", "enable")
            .formParam("group", "imported")
            .formParam("state", "disabled")
            .post("/watches/bulk")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(review)
        .contains("Enable: all 5 that match group=imported&amp;state=disabled watches?")
        .contains("5 of 5 will change")
        .contains("name=\"confirm\" value=\"yes\"");
    assertThat(enabled()).as("a review changes nothing").isZero();
    PagesTest.form()
        .formParam("scope", "matching")
        .formParam("action", "enable")
        .formParam("group", "imported")
        .formParam("state", "disabled")
        .formParam("confirm", "yes")
        .post("/watches/bulk")
        .then()
        .statusCode(303)
        .header("Location", containsString("notice=Enable%3A+5+of+5+changed."));
    assertThat(enabled()).isEqualTo(5);
  }

  @Test
  void theTickedWatchesArePausedAndTheListSaysUntilWhen() {
    PagesTest.form()
        .formParam("scope", "selected")
        .formParam("action", "enable")
        .formParam("ids", ids.get(0), ids.get(1), ids.get(2))
        .formParam("confirm", "yes")
        .post("/watches/bulk")
        .then()
        .statusCode(303);
    PagesTest.form()
        .formParam("scope", "selected")
        .formParam("action", "pause")
        .formParam("pause", "6h")
        .formParam("ids", ids.get(0), ids.get(1))
        .formParam("confirm", "yes")
        .post("/watches/bulk")
        .then()
        .statusCode(303);
    assertThat(enabled()).isEqualTo(1);
    String list =
        io.restassured.RestAssured.given()
            .get("/watches?group=imported")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(list).contains(">paused</span> <span class=\"small\">until ");
    assertThat(list).contains("id=\"pick-" + ids.get(0) + "\"");
  }

  @Test
  void aMoveOntoATargetAlreadyThereIsRefusedWithWhyAndNothingMoves() {
    watches.create(new WatchInput("203.0.113.1", "kept", null, null, null, null, true));
    String page =
        PagesTest.form()
            .formParam("scope", "matching")
            .formParam("action", "move")
            .formParam("to", "kept")
            .formParam("group", "imported")
            .post("/watches/bulk")
            .then()
            .statusCode(409)
            .extract()
            .asString();
    assertThat(page).contains("already watched in group &#39;kept&#39; (203.0.113.1)");
    PagesTest.form()
        .formParam("scope", "matching")
        .formParam("action", "move")
        .formParam("to", "kept")
        .formParam("group", "imported")
        .formParam("confirm", "yes")
        .post("/watches/bulk")
        .then()
        .statusCode(409);
    // Two watches of one target, in two groups, moved into a third: refused whole as well.
    groups.create(new GroupInput("third", null, 60, null, null, null));
    String twins =
        PagesTest.form()
            .formParam("scope", "matching")
            .formParam("action", "move")
            .formParam("to", "third")
            .formParam("q", "203.0.113.1")
            .formParam("confirm", "yes")
            .post("/watches/bulk")
            .then()
            .statusCode(409)
            .extract()
            .asString();
    assertThat(twins).contains("the same target in more than one group (203.0.113.1)");
    PagesTest.form()
        .formParam("scope", "selected")
        .formParam("action", "enable")
        .post("/watches/bulk")
        .then()
        .statusCode(400)
        .body(containsString("no watch selected"));
    PagesTest.form()
        .formParam("scope", "matching")
        .formParam("action", "pause")
        .formParam("pause", "forever")
        .post("/watches/bulk")
        .then()
        .statusCode(400)
        .body(containsString("choose how long to pause"));
    assertThat(QuarkusTransaction.requiringNew().call(() -> Watch.count("group.name", "kept")))
        .isEqualTo(1);
  }
}
