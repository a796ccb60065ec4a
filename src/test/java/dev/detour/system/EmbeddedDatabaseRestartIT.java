package dev.detour.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the packaged service as a user would, on its embedded database with no server, and checks
 * that what it stored survives a clean stop and a {@code kill -9}.
 */
class EmbeddedDatabaseRestartIT {

  private Path dataDir;
  private Process process;
  private int port;

  @BeforeEach
  void freshDataDirectory() throws IOException {
    dataDir = Files.createTempDirectory("detour-it-");
  }

  @AfterEach
  void stopAndClean() throws Exception {
    if (process != null) {
      // Gently first: Detour removes its nftables guard table when it stops.
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  private void start() throws Exception {
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    String jar = System.getProperty("detour.app.jar");
    assertThat(jar).as("detour.app.jar names the packaged service").isNotNull();
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    process =
        new ProcessBuilder(
                List.of(
                    java.toString(),
                    "-Ddetour.data-dir=" + dataDir.resolve("data"),
                    "-Dquarkus.http.port=" + port,
                    "-jar",
                    jar))
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolve("detour.log").toFile())
            .start();
    HttpClient client = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("Detour exited at start; see its log").isTrue();
      try {
        HttpResponse<Void> ready =
            client.send(
                HttpRequest.newBuilder(URI.create(base() + "/q/health/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Detour did not become ready in 90 s:\n" + log());
  }

  private String log() throws IOException {
    return Files.readString(dataDir.resolve("detour.log"));
  }

  private String base() {
    return "http://127.0.0.1:" + port;
  }

  private RequestSpecification api() {
    return given().baseUri(base());
  }

  private void stopGently() throws Exception {
    process.destroy();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    process = null;
  }

  private void kill9() throws Exception {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    process = null;
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
    assertThat(log()).contains("jdbc:h2:file:");
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
}
