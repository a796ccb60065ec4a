package dev.detour.monitor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.tcp.TcpRule;
import dev.detour.testing.Database;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import dev.detour.watch.WatchGroup;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A group's rounds may run on one node of a cluster, then on another: what the second node reads
 * back from the database is the hysteresis the first left, so a block counted one round there is
 * declared by one more round here.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class HandoffTest {

  @Inject Database db;
  @Inject StatusStore store;

  @BeforeEach
  void clean() {
    db.clear();
  }

  @Test
  void aBlockHalfCountedOnOneNodeIsDeclaredByTheNextRoundOnAnother() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"name\":\"handoff\"}")
        .post("/api/groups")
        .then()
        .statusCode(201);
    long group =
        QuarkusTransaction.requiringNew()
            .call(() -> WatchGroup.<WatchGroup>find("name", "handoff").firstResult().id);
    long id =
        given()
            .contentType(ContentType.JSON)
            .body("{\"target\":\"198.51.100.7\",\"group\":\"handoff\"}")
            .post("/api/watches")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getLong("id");
    Instant since = Instant.parse("2026-12-01T10:00:00Z");
    Instant firstBad = since.plusSeconds(600);
    // Node A: up, then one round of resets out of the two that block.
    WatchRuntime a =
        new WatchRuntime(
            id, "198.51.100.7", "handoff", new Tracker(WatchState.UP, null, since, null, 0, null));
    Verdict reset = Verdict.blocked(TcpRule.TCP_RST_INJECTED, 0.95, List.of("RST"), false);
    Tracker.Step first = a.tracker().step(reset, firstBad, 2, 2);
    assertThat(first.transition()).isNull();
    a.tracker(first.tracker());
    a.verdict = reset;
    a.checkedAt = firstBad;
    store.flush(List.of(a));

    // Node B reads the group.
    List<StatusStore.Stored> read = store.loadGroup(group);
    assertThat(read).hasSize(1);
    assertThat(read.get(0).target()).isEqualTo("198.51.100.7");
    assertThat(read.get(0).group()).isEqualTo("handoff");
    Tracker b = StatusStore.tracker(read.get(0).status());
    assertThat(b.state()).isEqualTo(WatchState.UP);
    assertThat(b.since()).isEqualTo(since);
    assertThat(b.pending().state()).isEqualTo(WatchState.BLOCKED);
    assertThat(b.pending().method()).isEqualTo(TcpRule.TCP_RST_INJECTED);
    assertThat(b.pendingRounds()).isEqualTo(1);
    assertThat(b.pendingSince()).isEqualTo(firstBad);

    Tracker.Step second = b.step(reset, firstBad.plusSeconds(60), 2, 2);
    assertThat(second.transition()).as("the second bad round, on node B, blocks").isNotNull();
    assertThat(second.transition().to().state()).isEqualTo(WatchState.BLOCKED);
    assertThat(second.transition().firstBadAt()).isEqualTo(firstBad);
    assertThat(second.transition().rounds()).isEqualTo(2);

    // A round that settles the state leaves no hysteresis behind.
    a.tracker(second.tracker());
    store.flush(List.of(a));
    Tracker settled = StatusStore.tracker(store.loadGroup(group).get(0).status());
    assertThat(settled.state()).isEqualTo(WatchState.BLOCKED);
    assertThat(settled.pending()).isNull();
    assertThat(settled.pendingRounds()).isZero();
  }
}
