package dev.detour.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.route.mikrotik.RouterOsEmulator;
import dev.detour.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged service killed as a power cut kills it — in the middle of a router sync, in the
 * middle of an import — and its embedded database's disk filled up: on restart nothing acknowledged
 * is lost, nothing is half-applied, and the router converges to exactly Detour's routes.
 */
class CrashRecoveryIT {

  private Path dataDir;
  private DetourProcess detour;
  private final List<String> mounted = new ArrayList<>();

  @BeforeEach
  void freshDataDirectory() throws IOException {
    dataDir = Files.createTempDirectory("detour-crash-");
  }

  @AfterEach
  void stopAndClean() throws Exception {
    if (detour != null) {
      detour.stop();
    }
    for (String m : mounted) {
      sh("umount", "-l", m);
    }
    try (Stream<Path> files = Files.walk(dataDir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  /** Detour's routes on the emulated router: destination → entries with that destination. */
  private static Map<String, Integer> detoursRoutes(RouterOsEmulator router) {
    Map<String, Integer> all = new TreeMap<>();
    for (Map<String, String> e : router.entries("ip/route")) {
      if (e.getOrDefault("comment", "").startsWith("detour")) {
        all.merge(e.get("dst-address"), 1, Integer::sum);
      }
    }
    return all;
  }

  /** When the home router's latest sync began, as its status says. */
  private String syncedAt() {
    try {
      return detour.get("/api/routes/routers/home").path("syncedAt").asText();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, String>> foreignRoutes(RouterOsEmulator router) {
    return router.entries("ip/route").stream()
        .filter(e -> !e.getOrDefault("comment", "").startsWith("detour"))
        .toList();
  }

  @Test
  void aKillMidSyncIsMendedOnRestartWithNoDuplicateAndNoForeignRouteTouched() throws Exception {
    try (RouterOsEmulator router = new RouterOsEmulator()) {
      // Every request takes a while: forty routes are a sync of several seconds to kill.
      router.delay(Duration.ofMillis(250));
      List<Map<String, String>> foreign = foreignRoutes(router);
      Map<String, String> c = new TreeMap<>();
      c.put("detour.monitor.enabled", "false");
      c.putAll(RouterOsEmulator.homeRouter(router.restUrl()));
      c.put("detour.routes.sync-every", "2s");
      c.put("detour.routes.allow-reserved", "198.18.0.0/15");
      int port = DetourProcess.freePort();
      detour = DetourProcess.start(null, dataDir, port, c);
      List<String> pins = new ArrayList<>();
      // Every other /24: neighbours the planner would join into one route are not wanted here.
      for (int i = 1; i <= 40; i++) {
        pins.add("198.18." + 2 * i + ".0/24");
      }
      for (String pin : pins) {
        assertThat(detour.call("POST", "/api/routes/pins", "{\"prefix\":\"" + pin + "\"}").status())
            .isEqualTo(201);
      }
      Await.until(
          Duration.ofSeconds(60), () -> detoursRoutes(router).size() >= 5, "a sync under way");
      detour.kill9();
      detour = null;
      int atKill = detoursRoutes(router).size();
      assertThat(atKill).as("the kill came in the middle of the sync").isBetween(5, 39);

      detour = DetourProcess.start(null, dataDir, port, c);
      Await.until(
          Duration.ofSeconds(90),
          () -> detoursRoutes(router).keySet().equals(new java.util.TreeSet<>(pins)),
          "the router converging after the restart");
      // A few more syncs change nothing.
      for (int sync = 0; sync < 2; sync++) {
        String before = syncedAt();
        Await.until(
            Duration.ofSeconds(30), () -> !before.equals(syncedAt()), "another sync of home");
      }
      Map<String, Integer> routes = detoursRoutes(router);
      assertThat(routes.keySet()).containsExactlyInAnyOrderElementsOf(pins);
      assertThat(routes.values()).as("no duplicate").containsOnly(1);
      assertThat(foreignRoutes(router)).as("foreign routes").isEqualTo(foreign);
      JsonNode status = detour.get("/api/routes/routers/home");
      assertThat(status.hasNonNull("error")).as(status.toString()).isFalse();
      assertThat(status.path("desired").asInt()).isEqualTo(40);
    }
  }

  /**
   * An import is one transaction: killed before it was acknowledged it leaves nothing, not a part;
   * what was acknowledged before it is all there.
   */
  @Test
  void aKillMidImportLeavesAllOrNothingAndKeepsWhatWasAcknowledged() throws Exception {
    Map<String, String> c = Map.of("detour.monitor.enabled", "false");
    int port = DetourProcess.freePort();
    detour = DetourProcess.start(null, dataDir, port, c);
    detour.post("/api/groups", "{\"name\":\"kept\"}");
    detour.post("/api/groups", "{\"name\":\"big\"}");
    assertThat(post(detour, "/api/watches/import?group=kept", lines(0, 3000)).status())
        .isEqualTo(200);
    String big = lines(3000, 250_000);
    CompletableFuture<Void> sent = new CompletableFuture<>();
    CompletableFuture<Integer> importing =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return post(detour, "/api/watches/import?group=big", big, sent).status();
              } catch (IOException killed) {
                return -1;
              }
            });
    // Well into it: the whole list is read (the import reads it all, then writes a quarter of a
    // million rows in one transaction, which takes several seconds here).
    sent.get(60, TimeUnit.SECONDS);
    assertThat(importing).as("the import still running when killed").isNotDone();
    detour.kill9();
    assertThat(importing.get(30, TimeUnit.SECONDS)).as("never acknowledged").isEqualTo(-1);

    detour = DetourProcess.start(null, dataDir, port, c);
    assertThat(total(detour, "kept")).isEqualTo(3000);
    assertThat(total(detour, "big")).as("nothing of the killed import").isZero();
    assertThat(post(detour, "/api/watches/import?group=big", lines(3000, 20_000)).status())
        .isEqualTo(200);
    assertThat(total(detour, "big")).isEqualTo(20_000);
  }

  /**
   * The embedded database's file system fills up: a change that cannot be written is refused with a
   * problem that says so, what was stored stays readable, and once there is room again — without
   * and with a restart — everything acknowledged is there and nothing half-written.
   */
  @Test
  void aFullDiskRefusesChangesClearlyAndLosesNothing() throws Exception {
    Path data = dataDir.resolve("data");
    Files.createDirectories(data);
    sh("mount", "-t", "tmpfs", "-o", "size=48m", "detour-full", data.toString());
    mounted.add(data.toString());
    Map<String, String> c = Map.of("detour.monitor.enabled", "false");
    int port = DetourProcess.freePort();
    detour = DetourProcess.start(null, dataDir, port, c);
    detour.post("/api/groups", "{\"name\":\"kept\"}");
    detour.post("/api/groups", "{\"name\":\"late\"}");
    assertThat(post(detour, "/api/watches/import?group=kept", lines(0, 5000)).status())
        .isEqualTo(200);
    // Fill what is left, then give back a little: the database has room to breathe, not to grow.
    Path filler = data.resolve("filler");
    sh("sh", "-c", "dd if=/dev/zero of=" + filler + " bs=1M 2>/dev/null; true");
    DetourProcess.Answer refused =
        post(detour, "/api/watches/import?group=late", lines(5000, 100_000));
    assertThat(refused.status()).as(refused.body()).isIn(503, 507);
    assertThat(refused.body()).containsIgnoringCase("space");
    // What was stored stays readable, read after read: H2 closes the whole database on every write
    // it cannot make (a background job's lock about once a second, Quartz's check-in), and each
    // read meets that now and then.
    for (int read = 0; read < 15; read++) {
      assertThat(total(detour, "kept")).as("what was stored stays readable").isEqualTo(5000);
      Thread.sleep(200);
    }

    Files.delete(filler);
    // With room again, changes are taken without a restart: within seconds (in a loaded CI run
    // the first import right after the delete was still refused with 507 once; nothing of a
    // refused import is stored, so it is simply sent again).
    DetourProcess.Answer taken = post(detour, "/api/watches/import?group=late", lines(5000, 1000));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
    while (taken.status() == 507 && System.nanoTime() < deadline) {
      assertThat(total(detour, "late")).as("nothing of a refused import is stored").isZero();
      Thread.sleep(1000);
      taken = post(detour, "/api/watches/import?group=late", lines(5000, 1000));
    }
    assertThat(taken.status())
        .as("with room again, changes are taken without a restart: %s", taken.body())
        .isEqualTo(200);
    detour.kill9();
    detour = DetourProcess.start(null, dataDir, port, c);
    assertThat(total(detour, "kept")).isEqualTo(5000);
    assertThat(total(detour, "late")).isEqualTo(1000);
    assertThat(detour.get("/q/health").path("status").asText()).isEqualTo("UP");
  }

  /** {@code count} addresses of the benchmarking range from the {@code from}th on, a line each. */
  private static String lines(int from, int count) {
    StringBuilder b = new StringBuilder(count * 14);
    for (int i = from; i < from + count; i++) {
      b.append("198.").append(18 + i / 65536).append('.').append(i / 256 % 256).append('.');
      b.append(i % 256).append('\n');
    }
    return b.toString();
  }

  private static long total(DetourProcess detour, String group) throws Exception {
    HttpURLConnection c =
        (HttpURLConnection)
            URI.create(detour.base() + "/api/watches?size=1&group=" + group)
                .toURL()
                .openConnection();
    c.setRequestProperty("Authorization", DetourProcess.basicAuth());
    int status = c.getResponseCode();
    if (status != 200) {
      String body;
      try (InputStream in = c.getErrorStream()) {
        body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      List<String> log = detour.logText().lines().toList();
      throw new AssertionError(
          "GET of group "
              + group
              + " answered "
              + status
              + ": "
              + body
              + "\nDetour's log, last 40 lines:\n"
              + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())));
    }
    c.getInputStream().close();
    return Long.parseLong(c.getHeaderField("X-Total-Count"));
  }

  /** A plain-text import, as curl would send it. */
  private static DetourProcess.Answer post(DetourProcess detour, String path, String body)
      throws IOException {
    return post(detour, path, body, new CompletableFuture<>());
  }

  /** A POST whose body streams; {@code sent} completes once the last byte of it is written. */
  private static DetourProcess.Answer post(
      DetourProcess detour, String path, String body, CompletableFuture<Void> sent)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpURLConnection c =
        (HttpURLConnection) URI.create(detour.base() + path).toURL().openConnection();
    c.setRequestMethod("POST");
    c.setReadTimeout(120_000);
    c.setRequestProperty("Authorization", DetourProcess.basicAuth());
    c.setRequestProperty("Content-Type", "text/plain");
    c.setDoOutput(true);
    c.setFixedLengthStreamingMode(bytes.length);
    try (OutputStream out = c.getOutputStream()) {
      out.write(bytes);
    }
    sent.complete(null);
    int status = c.getResponseCode();
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      return new DetourProcess.Answer(
          status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  private static void sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
