package dev.detour.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.testing.Database;
import dev.detour.watch.Watch;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The monitor asks which of its watches still exist, for every watch at once at 100,000 watches:
 * more ids than PostgreSQL takes as parameters of one statement (65,535).
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class MonitoredWatchesTest {

  @Inject Database db;
  @Inject MonitoredWatches watches;

  @AfterEach
  void empty() {
    db.clear();
  }

  @Test
  void answersForMoreWatchesThanOneStatementTakesParameters() {
    db.clear();
    int n = 70_000;
    StringBuilder list = new StringBuilder();
    for (int i = 0; i < n; i++) {
      list.append("198.").append(18 + i / 65536).append('.');
      list.append(i / 256 % 256).append('.').append(i % 256).append('\n');
    }
    given()
        .contentType("text/plain")
        .body(list.toString())
        .post("/api/watches/import?group=big")
        .then()
        .statusCode(200);
    List<Long> ids =
        QuarkusTransaction.requiringNew()
            .call(
                () ->
                    Watch.getEntityManager()
                        .createQuery("select w.id from Watch w", Long.class)
                        .getResultList());
    assertThat(ids).hasSize(n);
    Set<Long> asked = new HashSet<>(ids);
    asked.add(-1L);
    asked.add(-2L);

    assertThat(watches.existing(asked)).hasSize(n).doesNotContain(-1L, -2L);

    // A few ids take the short way, with the same answers.
    List<Long> few = List.of(ids.get(0), ids.get(1), -1L);
    assertThat(watches.existing(Set.copyOf(few))).containsExactlyInAnyOrder(ids.get(0), ids.get(1));
  }
}
