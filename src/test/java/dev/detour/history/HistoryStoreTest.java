package dev.detour.history;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.detour.testing.Database;
import dev.detour.verdict.WatchState;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Histories in PostgreSQL: chunks written and read back, a day folded into buckets with every count
 * kept (and never both or neither seen), old days forgotten, a deleted watch's chunk dropped, and
 * the API's view of it.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class HistoryStoreTest {

  @Inject Database db;
  @Inject HistoryStore store;

  @BeforeEach
  void clean() {
    db.clear();
  }

  private long watch(String target) {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"hist\"}")
        .post("/api/groups")
        .then()
        .statusCode(201);
    return given()
        .contentType(ContentType.JSON)
        .body("{\"target\":\"" + target + "\",\"group\":\"hist\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  /** An hour of rounds a minute from {@code hour}: up, but blocked at minutes 10 to 14. */
  private static Chunk hourOf(long id, long hour) {
    RoundBuffer b = new RoundBuffer();
    for (int i = 0; i < 60; i++) {
      boolean blocked = i >= 10 && i < 15;
      b.record(
          id,
          hour + i * 60L,
          blocked ? WatchState.BLOCKED : WatchState.UP,
          blocked,
          blocked ? 0.2 : 30.0,
          50.0);
    }
    return b.seal(id);
  }

  @Test
  void roundsAreFoldedIntoBucketsOnceTheirDayIsOverADayAgoAndForgottenAfterTheirDays() {
    long id = watch("198.51.100.21");
    long now = System.currentTimeMillis() / 1000;
    long today = now / 86_400 * 86_400;
    long twoDaysAgo = today - 2 * 86_400;
    store.queue(hourOf(id, twoDaysAgo + 3600));
    store.queue(hourOf(id, twoDaysAgo + 7200));
    store.queue(hourOf(id, today));
    assertThat(store.write()).isEqualTo(3);
    assertThat(store.write()).as("nothing queued twice").isZero();

    List<Stretch> before = store.read(id, twoDaysAgo);
    assertThat(before).hasSize(180);
    assertThat(before.stream().mapToInt(Stretch::blocked).sum()).isEqualTo(15);
    assertThat(before.stream().mapToInt(Stretch::forged).sum()).isEqualTo(15);

    assertThat(store.compact(now, 1)).as("one chunk a turn at most").isEqualTo(1);
    assertThat(store.compact(now, 1000)).isEqualTo(1);
    assertThat(store.compact(now, 1000)).as("today's rounds stay rounds").isZero();

    List<Stretch> after = store.read(id, twoDaysAgo);
    assertThat(after.stream().mapToInt(Stretch::rounds).sum()).isEqualTo(180);
    assertThat(after.stream().mapToInt(Stretch::blocked).sum()).isEqualTo(15);
    assertThat(after.stream().filter(s -> s.from() < today))
        .as("two hours as five-minute buckets")
        .hasSize(24)
        .allSatisfy(s -> assertThat(s.to() - s.from()).isEqualTo(300));
    Stretch firstBlocked = after.stream().filter(s -> s.blocked() > 0).findFirst().orElseThrow();
    assertThat(firstBlocked.from()).isEqualTo(twoDaysAgo + 3600 + 600);
    assertThat(firstBlocked.blocked()).isEqualTo(5);
    assertThat(firstBlocked.localMillis()).as("forged answers are not in the median").isNull();
    assertThat(after.get(0).localMillis()).isEqualTo(30.0);

    assertThat(store.expire(now, 30)).isZero();
    assertThat(store.expire(now, 1)).as("the buckets of two days ago").isEqualTo(1);
    assertThat(store.read(id, twoDaysAgo)).hasSize(60);
  }

  @Test
  void aChunkOfAWatchDeletedMeanwhileIsDroppedAndTheRestWritten() {
    long kept = watch("198.51.100.22");
    long gone =
        given()
            .contentType(ContentType.JSON)
            .body("{\"target\":\"198.51.100.23\",\"group\":\"hist\"}")
            .post("/api/watches")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    long hour = System.currentTimeMillis() / 1000 / 3600 * 3600 - 3600;
    given().delete("/api/watches/" + gone).then().statusCode(204);
    store.queue(hourOf(gone, hour));
    store.queue(hourOf(kept, hour));
    store.write();
    Map<Long, List<Stretch>> read = store.read(List.of(kept, gone), hour);
    assertThat(read.get(kept)).hasSize(60);
    assertThat(read).doesNotContainKey(gone);
    assertThat(store.size()[0]).isEqualTo(1);
  }

  @Test
  void theApiGivesTheSharesAndStretchesAndRefusesASpanItDoesNotKeep() {
    long id = watch("198.51.100.24");
    long hour = System.currentTimeMillis() / 1000 / 3600 * 3600 - 3600;
    store.queue(hourOf(id, hour));
    store.write();
    given()
        .get("/api/watches/" + id + "/history?hours=3")
        .then()
        .statusCode(200)
        .body("rounds", equalTo(60))
        .body("upPercent", equalTo(91.7f))
        .body("blockedPercent", equalTo(8.3f))
        .body("downPercent", equalTo(0.0f))
        .body("stretches.size()", equalTo(60))
        .body("stretches[10].state", equalTo("blocked"))
        .body("stretches[10].forged", equalTo(1))
        .body("stretches[10].localMillis", equalTo(null))
        .body("stretches[0].localMillis", equalTo(30.0f));
    given()
        .get("/api/watches/" + id + "/history?hours=100000")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("hours"))
        .body("errors[0].message", containsString("between 1 and 720"));
    given().get("/api/watches/99999999/history").then().statusCode(404);
  }

  @Test
  void countsByStateAreStoredOnceAMomentAcrossNodes() {
    store.tally(600, Map.of(WatchState.UP, 5L, WatchState.BLOCKED, 2L));
    store.tally(600, Map.of(WatchState.UP, 9L));
    store.tally(900, Map.of(WatchState.DOWN, 1L));
    List<HistoryStore.Tally> all = new ArrayList<>(store.tallies(0));
    assertThat(all).extracting(HistoryStore.Tally::at).containsExactly(600L, 900L);
    assertThat(all.get(0).counts())
        .containsEntry(WatchState.UP, 5L)
        .containsEntry(WatchState.BLOCKED, 2L);
    store.expire(86_400L * 40, 30);
    assertThat(store.tallies(0)).isEmpty();
  }
}
