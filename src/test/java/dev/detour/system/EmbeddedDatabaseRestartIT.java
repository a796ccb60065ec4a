package dev.detour.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.NetNs;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged service as a user would, on its embedded database with no server, and checks
 * that what it stored survives a clean stop and a {@code kill -9}.
 */
class EmbeddedDatabaseRestartIT {

  /**
   * The watches here are test data, some of them real prefixes: the service must not probe them, so
   * its monitoring loop is off.
   */
  private static final Map<String, String> CONFIG = Map.of("detour.monitor.enabled", "false");

  private Path dataDir;
  private DetourProcess detour;
  private int port;

  @BeforeEach
  void freshDataDirectory() throws IOException {
    dataDir = Files.createTempDirectory("detour-it-");
    port = DetourProcess.freePort();
  }

  @AfterEach
  void stopAndClean() throws Exception {
    if (detour != null) {
      detour.stop();
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void start() throws Exception {
    detour = DetourProcess.start(null, dataDir, port, CONFIG);
  }

  private String log() throws IOException {
    return detour.logText();
  }

  private RequestSpecification api() {
    return given().baseUri(detour.base()).header("Authorization", DetourProcess.basicAuth());
  }

  private void stopGently() throws Exception {
    detour.stop();
  }

  private void kill9() throws Exception {
    detour.kill9();
  }

  private static byte[] registryDump() throws IOException {
    try (InputStream in =
        EmbeddedDatabaseRestartIT.class.getResourceAsStream(
            "/data/zapret-info-dump-2014-04-22.csv")) {
      return in.readAllBytes();
    }
  }

  @Test
  void keepsWatchListsAcrossARestartWithNoDatabaseServer() throws Exception {
    start();
    assertThat(log()).contains("jdbc:h2:async:");
    api()
        .contentType(ContentType.JSON)
        .body("{\"name\": \"telegram\", \"intervalSeconds\": 30}")
        .post("/api/groups")
        .then()
        .statusCode(201);
    api()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"149.154.164.1/22\", \"group\": \"telegram\", \"tags\": [\"dc\"]}")
        .post("/api/watches")
        .then()
        .statusCode(201);
    api()
        .contentType("text/csv")
        .body(registryDump())
        .post("/api/watches/import?group=rkn")
        .then()
        .statusCode(200)
        .body("created", equalTo(2562));
    stopGently();
    assertThat(Files.list(dataDir.resolve("data")).map(p -> p.getFileName().toString()))
        .contains("detour.mv.db");

    start();
    api().get("/api/groups/telegram").then().statusCode(200).body("intervalSeconds", equalTo(30));
    api()
        .get("/api/watches?group=telegram")
        .then()
        .body("[0].target", equalTo("149.154.164.0/22"))
        .body("[0].tags[0]", equalTo("dc"));
    api().get("/api/watches?group=rkn&size=1").then().header("X-Total-Count", "2562");
  }

  @Test
  void aKill9RightAfterAnImportLosesNothingThatWasAcknowledged() throws Exception {
    start();
    api()
        .contentType("text/csv")
        .body(registryDump())
        .post("/api/watches/import?group=rkn")
        .then()
        .statusCode(200);
    kill9();

    start();
    api().get("/api/watches?group=rkn&size=1").then().header("X-Total-Count", "2562");
    api().get("/q/health").then().statusCode(200).body("status", equalTo("UP"));
  }

  /**
   * A container's or a home box's host name is often in neither /etc/hosts nor DNS: Quartz's own
   * instance id (host name resolved, plus the time) stopped Detour from starting there (issue 28).
   */
  @Test
  void startsWhereItsHostNameResolvesNowhereAndKeepsItsNodeNameAcrossRestarts() throws Exception {
    String hostName = "be3a4e34e57b";
    inNamespace(
        "dnr",
        false,
        namespace -> {
          assertThat(NetNs.call(namespace, () -> resolves(hostName)))
              .as("%s resolves nowhere in a namespace with only loopback", hostName)
              .isFalse();
          detour = DetourProcess.startNamed(namespace, hostName, dataDir, port, CONFIG);
          assertThat(detour.get("/q/health").path("status").asText()).isEqualTo("UP");
          String node = detour.get("/api/monitor").path("node").asText();
          assertThat(node).matches(hostName + "-[0-9a-f]{8}");
          assertThat(Files.readString(dataDir.resolve("data").resolve("node-id")).strip())
              .isEqualTo(node);

          detour.kill9();
          detour = DetourProcess.startNamed(namespace, hostName, dataDir, port, CONFIG);
          assertThat(detour.get("/api/monitor").path("node").asText())
              .as("the same node after a restart")
              .isEqualTo(node);
        });
  }

  /**
   * Rounds are Quartz jobs kept in the database: a start with monitoring off must not run those an
   * earlier start scheduled (it did: the watch was probed, and went down, with monitoring off).
   */
  @Test
  void withMonitoringOffNoRoundRunsThatAnEarlierStartScheduled() throws Exception {
    inNamespace(
        "dmo",
        true,
        namespace -> {
          // Plain connects to the namespace's own 198.18.0.1 (raw packets never reach a host's own
          // addresses; without them an uplink with an anchor counts as up): rounds run and count.
          Map<String, String> on =
              Map.of(
                  "detour.probe.interval", "1s",
                  "detour.probe.timeout", "1s",
                  "detour.probe.raw", "false",
                  "detour.uplink.anchors", "198.18.0.254");
          detour = DetourProcess.start(namespace, dataDir, port, on);
          detour.post("/api/groups", "{\"name\":\"g\",\"probes\":[\"tcp_connect\"]}");
          detour.post("/api/watches", "{\"target\":\"198.18.0.1\",\"group\":\"g\",\"ports\":[80]}");
          long deadline = System.nanoTime() + 30_000_000_000L;
          while (detour.get("/api/monitor").path("rounds").path("g").asLong() < 2) {
            assertThat(System.nanoTime()).as("two rounds within 30 s").isLessThan(deadline);
            Thread.sleep(200);
          }
          detour.stop();

          Map<String, String> off = new java.util.HashMap<>(on);
          off.putAll(CONFIG);
          detour = DetourProcess.start(namespace, dataDir, port, off);
          // Five intervals: every round the stored job would have run.
          Thread.sleep(5_000);
          assertThat(detour.get("/api/monitor").path("rounds").path("g").asLong())
              .as("rounds with monitoring off")
              .isZero();
          assertThat(log()).contains("Monitoring is off");
        });
  }

  /**
   * A restarted node lost what it knew between rounds: its rounds start again at once, not at the
   * schedule's next slot (an hour away here).
   */
  @Test
  void aRestartedNodeRoundsAtOnceRatherThanAtTheSchedulesNextSlot() throws Exception {
    inNamespace(
        "drs",
        true,
        namespace -> {
          Map<String, String> config =
              Map.of(
                  "detour.probe.timeout", "1s",
                  "detour.probe.raw", "false",
                  "detour.uplink.anchors", "198.18.0.254");
          detour = DetourProcess.start(namespace, dataDir, port, config);
          detour.post(
              "/api/groups",
              "{\"name\":\"g\",\"intervalSeconds\":3600,\"probes\":[\"tcp_connect\"]}");
          long id =
              detour
                  .post(
                      "/api/watches", "{\"target\":\"198.18.0.1\",\"group\":\"g\",\"ports\":[80]}")
                  .path("id")
                  .asLong();
          awaitRound("the new group's first round");
          detour.stop();

          detour = DetourProcess.start(namespace, dataDir, port, config);
          awaitRound("a round after the restart, the schedule's next slot an hour away");
          assertThat(log()).contains("Group g: this node restarted");
          // The history survives: the round before the restart (written at shutdown) and after.
          JsonNode history = detour.get("/api/watches/" + id + "/history?hours=1");
          assertThat(history.path("rounds").asLong()).as("%s", history).isEqualTo(2);
          assertThat(history.path("upPercent").asDouble()).isEqualTo(100.0);
        });
  }

  interface InNamespace {
    void run(String namespace) throws Exception;
  }

  /**
   * Runs {@code test} against a namespace of its own with only loopback (and, with {@code
   * benchmarkRange}, 198.18.0.0/16 answered on it), stopping Detour and removing the namespace
   * afterwards, also on failure.
   */
  private void inNamespace(String prefix, boolean benchmarkRange, InNamespace test)
      throws Exception {
    String namespace = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
    sh("ip", "netns", "add", namespace);
    try {
      sh("ip", "-n", namespace, "link", "set", "lo", "up");
      if (benchmarkRange) {
        sh("ip", "-n", namespace, "route", "add", "local", "198.18.0.0/16", "dev", "lo");
      }
      test.run(namespace);
    } finally {
      if (detour != null) {
        detour.stop();
        detour = null;
      }
      sh("ip", "netns", "del", namespace);
    }
  }

  private void awaitRound(String what) throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (detour.get("/api/monitor").path("rounds").path("g").asLong() < 1) {
      assertThat(System.nanoTime()).as("%s within 30 s", what).isLessThan(deadline);
      Thread.sleep(200);
    }
  }

  private static boolean resolves(String name) {
    try {
      InetAddress.getByName(name);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as("%s: %s", String.join(" ", command), out).isZero();
  }
}
