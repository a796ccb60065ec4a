package dev.detour.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.PeerNamespace;
import dev.detour.testing.Await;
import dev.detour.testing.Database;
import dev.detour.watch.WatchGroup;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A round that disagrees with a watch's state is confirmed by rechecks of that watch a second
 * apart, not by the group's next rounds a minute apart: the peer goes silent, one round sees it,
 * and the block-after rounds are complete seconds later; it answers again, and one round and one
 * recheck bring it back. Real rounds over real sockets to a peer namespace (root).
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
@TestProfile(RecheckTest.Rechecks.class)
class RecheckTest {

  public static class Rechecks implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "detour.monitor.enabled", "true",
          "detour.probe.raw", "false",
          "detour.probe.timeout", "1s",
          "detour.verdict.block-after", "3",
          "detour.verdict.clear-after", "2",
          "detour.verdict.recheck-after", "1s",
          "detour.routes.enabled", "false",
          "detour.alerts.enabled", "false");
    }
  }

  @RegisterExtension static final PeerNamespace peer = new PeerNamespace();

  @Inject RoundRunner monitor;
  @Inject MeterRegistry registry;
  @Inject Database db;

  @AfterEach
  void clean() throws Exception {
    peer.silence(false);
    db.clear();
  }

  @Test
  void aChangeIsConfirmedByRechecksNotByTheNextRounds() throws Exception {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"recheck\",\"intervalSeconds\":60,\"probes\":[\"tcp_syn\"]}")
        .post("/api/groups")
        .then()
        .statusCode(201);
    long group =
        QuarkusTransaction.requiringNew()
            .call(() -> WatchGroup.<WatchGroup>find("name", "recheck").firstResult().id);
    long id =
        given()
            .contentType(ContentType.JSON)
            .body("{\"target\":\"" + peer.address() + "\",\"group\":\"recheck\",\"ports\":[80]}")
            .post("/api/watches")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    // The group's first round (the planner makes its schedule within 5 s) finds it up.
    await(id, 30, s -> "up".equals(s.getString("state")));
    MonitoredWatches.GroupPlan plan = new MonitoredWatches.GroupPlan(group, "recheck", 60);

    peer.silence(true);
    long before = System.nanoTime();
    monitor.round(plan, Instant.now(), false);
    JsonPath afterOne = status(id);
    assertThat(afterOne.getString("state")).isEqualTo("up");
    assertThat(afterOne.getInt("pending.rounds")).isEqualTo(1);
    // Two rechecks a second apart make the three rounds: no round of the group is due for a
    // minute.
    JsonPath down = await(id, 20, s -> !"up".equals(s.getString("state")));
    assertThat(down.getString("state")).isIn("down", "blocked");
    assertThat((System.nanoTime() - before) / 1e9).isLessThan(20);
    assertThat(rechecks()).isEqualTo(2.0);
    Await.until(
        Duration.ofSeconds(10),
        () -> {
          JsonPath m = given().get("/api/monitor").then().extract().jsonPath();
          return m.getInt("rechecking") == 0 && m.getInt("probing") == 0;
        },
        "no recheck due and nothing probing");
    assertThat(rechecks()).as("a settled watch is not rechecked").isEqualTo(2.0);

    peer.silence(false);
    monitor.round(plan, Instant.now(), false);
    await(id, 20, s -> "up".equals(s.getString("state")));
    assertThat(rechecks()).as("clear-after 2: one round, one recheck").isEqualTo(3.0);
  }

  private double rechecks() {
    Counter c = registry.find("detour.round.rechecks").tag("group", "recheck").counter();
    return c == null ? 0 : c.count();
  }

  private static JsonPath status(long id) {
    return given()
        .get("/api/watches/" + id + "/status")
        .then()
        .statusCode(200)
        .extract()
        .jsonPath();
  }

  private static JsonPath await(long id, int seconds, Predicate<JsonPath> done)
      throws InterruptedException {
    long until = System.nanoTime() + seconds * 1_000_000_000L;
    JsonPath s = status(id);
    while (!done.test(s)) {
      assertThat(System.nanoTime())
          .as("status of watch %d: %s", id, s.prettify())
          .isLessThan(until);
      Thread.sleep(200);
      s = status(id);
    }
    return s;
  }
}
