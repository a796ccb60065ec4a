package dev.detour.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.DetourProcess;
import dev.detour.testing.Await;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Detour on PostgreSQL while the database server restarts under it: rounds probing 300 watches
 * every 5 s, the API taking new watches as fast as it answers. The server gets its own cluster here
 * ({@code initdb} in a temporary directory, as the {@code postgres} user), so the restart touches
 * nothing else on the machine. While the server is away the API answers 503 with a problem that
 * says why — never a 500 — and once it is back every watch that was acknowledged is there, the
 * rounds go on and nothing needs a restart of Detour.
 */
class PostgresRestartIT {

  private static final int INTERVAL = 5;
  private static final int WATCHES = 300;

  private Path root;
  private Path cluster;
  private int pgPort;
  private DetourProcess detour;

  @BeforeEach
  void ownPostgres() throws Exception {
    root = Files.createTempDirectory("detour-pg-");
    cluster = root.resolve("db");
    sh("chown", "postgres", root.toString());
    pgPort = DetourProcess.freePort();
    asPostgres(bin("initdb"), "-D", cluster.toString(), "-A", "trust", "-U", "postgres", "-N");
    pgCtl("start");
  }

  @AfterEach
  void stopAll() throws Exception {
    if (detour != null) {
      detour.stop();
    }
    try {
      pgCtl("stop", "-m", "immediate");
    } catch (IOException alreadyStopped) {
      // Failed tests may leave it stopped.
    }
    try (Stream<Path> files = Files.walk(root)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void aDatabaseRestartUnderLoadLosesNothingAcknowledgedAndNeedsNoRestartOfDetour()
      throws Exception {
    try (ClusterIT.Targets targets = new ClusterIT.Targets()) {
      Map<String, String> c = new TreeMap<>();
      c.put("quarkus.datasource.jdbc.url", "jdbc:postgresql://127.0.0.1:" + pgPort + "/postgres");
      c.put("quarkus.datasource.username", "postgres");
      c.put("quarkus.datasource.password", "");
      c.put("detour.probe.raw", "false");
      c.put("detour.watch.ports", Integer.toString(targets.port()));
      c.put("detour.probe.timeout", "2s");
      c.put("detour.probe.interval", INTERVAL + "s");
      detour = DetourProcess.startOnPostgres(root.resolve("detour"), DetourProcess.freePort(), c);
      detour.post("/api/groups", "{\"name\":\"load\",\"probes\":[\"tcp_connect\"]}");
      StringBuilder list = new StringBuilder();
      for (int i = 1; i <= WATCHES; i++) {
        list.append("127.0.3.").append(i % 250 + 1).append('\n');
      }
      // 300 lines over 250 addresses: duplicates are imported once; the rest is the load.
      DetourProcess.Answer imported =
          detour.call("POST", "/api/watches/import?format=plain&group=load", list.toString());
      assertThat(imported.status()).as(imported.body()).isEqualTo(200);
      Await.until(Duration.ofSeconds(60), () -> rounds() >= 2, "rounds under way");

      // The load: new watches one after another, each answer noted.
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
      List<String> unclear = new ArrayList<>();
      AtomicBoolean go = new AtomicBoolean(true);
      Thread writer =
          new Thread(
              () -> {
                for (int i = 0; go.get() && i < 5000; i++) {
                  String t =
                      "127." + (10 + i / 62500) + "." + (i / 250 % 250) + "." + (i % 250 + 1);
                  try {
                    DetourProcess.Answer a =
                        detour.call(
                            "POST",
                            "/api/watches",
                            "{\"target\":\"" + t + "\",\"group\":\"load\"}");
                    statuses.merge(a.status(), 1, Integer::sum);
                    if (a.status() == 201) {
                      acknowledged.add(t);
                    } else if (a.status() != 503 || !a.body().contains("database")) {
                      synchronized (unclear) {
                        unclear.add(a.status() + " " + a.body());
                      }
                    }
                    Thread.sleep(20);
                  } catch (Exception e) {
                    statuses.merge(-1, 1, Integer::sum);
                  }
                }
              },
              "pg-restart-load");
      writer.start();
      Await.until(Duration.ofSeconds(30), () -> acknowledged.size() >= 20, "the load under way");
      int roundsBefore = rounds();
      pgCtl("stop", "-m", "fast");
      // Down long enough to be noticed: a write refused for it, and readiness down.
      Await.until(
          Duration.ofSeconds(30),
          () -> statuses.getOrDefault(503, 0) > 0 && health() != 200,
          "Detour telling the database is gone");
      pgCtl("start");
      Await.until(
          Duration.ofSeconds(60),
          () -> statuses.getOrDefault(201, 0) > 0 && health() == 200,
          "ready again after the restart");
      int acknowledgedAtReturn = acknowledged.size();
      Await.until(
          Duration.ofSeconds(60),
          () -> acknowledged.size() > acknowledgedAtReturn + 20,
          "new watches taken again");
      Await.until(Duration.ofSeconds(60), () -> rounds() >= roundsBefore + 3, "rounds going on");
      go.set(false);
      writer.join(30_000);

      assertThat(statuses).as("answers by status").containsKey(503);
      assertThat(unclear).as("answers other than 201 and a 503 naming the database").isEmpty();
      Set<String> stored = ConcurrentHashMap.newKeySet();
      for (int page = 0; ; page++) {
        var rows = detour.get("/api/watches?group=load&size=1000&page=" + page);
        rows.forEach(r -> stored.add(r.get("target").asText()));
        if (rows.size() < 1000) {
          break;
        }
      }
      assertThat(stored).as("every acknowledged watch is stored").containsAll(acknowledged);
      assertThat(detour.logText()).doesNotContain("OutOfMemoryError");
      System.out.printf(
          "postgres restart: answers %s, %d watches acknowledged and stored, rounds %d → %d%n",
          statuses, acknowledged.size(), roundsBefore, rounds());
    }
  }

  private int rounds() {
    try {
      return detour.get("/api/monitor").path("rounds").path("load").asInt();
    } catch (Exception | AssertionError e) {
      return -1;
    }
  }

  private int health() {
    try {
      return detour.call("GET", "/q/health/ready", null).status();
    } catch (Exception e) {
      return -1;
    }
  }

  private void pgCtl(String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                bin("pg_ctl"),
                "-D",
                cluster.toString(),
                "-l",
                root.resolve("postgres.log").toString(),
                "-w",
                "-t",
                "60",
                "-o",
                "-p " + pgPort + " -k " + root + " -c listen_addresses=127.0.0.1"));
    command.addAll(List.of(args));
    asPostgres(command.toArray(String[]::new));
  }

  /** A program of the newest PostgreSQL installed. */
  private static String bin(String name) throws IOException {
    try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
      return versions
          .map(v -> v.resolve("bin").resolve(name))
          .filter(Files::isExecutable)
          .max(
              Comparator.comparing(
                  p -> Integer.parseInt(p.getParent().getParent().getFileName().toString())))
          .orElseThrow(() -> new IOException("no PostgreSQL under /usr/lib/postgresql"))
          .toString();
    }
  }

  private static void asPostgres(String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
    line.addAll(List.of(command));
    sh(line.toArray(String[]::new));
  }

  private static void sh(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
