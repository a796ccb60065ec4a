package dev.detour.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.route.mikrotik.RouterOsEmulator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three packaged Detour nodes on one real PostgreSQL, as a cluster: every round of a group runs on
 * one node, no watch is probed twice in a round (counted where the probes arrive, on loopback), the
 * nodes that did not run a round know its outcome, a node killed in the middle of a round has that
 * round run again by another and no round of the schedule is lost, and one node at a time talks to
 * the router. The probes are plain connects to loopback addresses; no root is needed.
 */
class ClusterIT {

  private static final int INTERVAL = 10;
  private static final int PER_GROUP = 250;
  private static final List<String> GROUPS = List.of("a", "b");

  private static final String DB_URL =
      System.getenv().getOrDefault("DETOUR_TEST_DB_URL", "jdbc:postgresql://127.0.0.1:5432/test");
  private static final String DB_USER =
      System.getenv().getOrDefault("DETOUR_TEST_DB_USER", "postgres");
  private static final String DB_PASSWORD =
      System.getenv().getOrDefault("DETOUR_TEST_DB_PASSWORD", "");
  private static final String SCHEMA =
      System.getenv().getOrDefault("DETOUR_TEST_SCHEMA", "detour_test") + "_cluster";

  /** A round as the log has it. */
  record Round(
      long id,
      long group,
      String node,
      Instant scheduled,
      Instant started,
      Instant finished,
      int watches,
      boolean recovered) {}

  /** Accepts connections on every loopback address and counts them by the address called. */
  static final class Targets implements AutoCloseable {
    final ServerSocket server;
    final Map<String, Integer> counts = new ConcurrentHashMap<>();
    final Thread acceptor;

    Targets() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress("0.0.0.0", 0), 4096);
      acceptor =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    counts.merge(s.getLocalAddress().getHostAddress(), 1, Integer::sum);
                  } catch (IOException closed) {
                    // Closed at the end of the test.
                  }
                }
              },
              "cluster-targets");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  @Test
  void eachRoundRunsOnceOnOneNodeAndSurvivesAKilledNode(@TempDir Path root) throws Exception {
    sql("drop schema if exists " + SCHEMA + " cascade", "create schema " + SCHEMA);
    List<DetourProcess> nodes = new ArrayList<>();
    try (Targets targets = new Targets();
        RouterOsEmulator router = new RouterOsEmulator()) {
      // Every request takes a while, so two nodes syncing at once would be seen doing so.
      router.delay(Duration.ofMillis(100));
      Map<String, String> c = new TreeMap<>();
      c.put("quarkus.datasource.jdbc.url", DB_URL + "?currentSchema=" + SCHEMA);
      c.put("quarkus.datasource.username", DB_USER);
      c.put("quarkus.datasource.password", DB_PASSWORD);
      c.put("quarkus.flyway.schemas", SCHEMA);
      c.put("detour.probe.raw", "false");
      c.put("detour.watch.ports", Integer.toString(targets.port()));
      c.put("detour.probe.timeout", "2s");
      c.putAll(RouterOsEmulator.homeRouter(router.restUrl()));
      c.put("detour.routes.sync-every", "2s");
      c.put("detour.routes.pins", "192.0.2.0/24");
      c.put("detour.routes.allow-reserved", "192.0.2.0/24");
      startNodes(root, c, nodes);
      Map<String, DetourProcess> byNode = new HashMap<>();
      for (DetourProcess n : nodes) {
        byNode.put(n.get("/api/monitor").path("node").asText(), n);
      }
      assertThat(byNode).as("each node has its own id").hasSize(3);

      DetourProcess first = nodes.get(0);
      for (String g : GROUPS) {
        first.post(
            "/api/groups",
            "{\"name\":\""
                + g
                + "\",\"intervalSeconds\":"
                + INTERVAL
                + ",\"probes\":[\"tcp_connect\"]}");
        StringBuilder list = new StringBuilder();
        for (int i = 1; i <= PER_GROUP; i++) {
          list.append(address(g, i)).append('\n');
        }
        DetourProcess.Answer a =
            first.call("POST", "/api/watches/import?format=plain&group=" + g, list.toString());
        assertThat(a.status()).as(a.body()).isEqualTo(200);
      }

      // ---- every round once, every watch once per round
      waitFor(
          Duration.ofSeconds(120),
          () -> eachGroupHas(3, r -> r.finished() != null && r.watches() == PER_GROUP),
          "three full rounds of each group");
      List<Round> log;
      Map<String, Integer> counts;
      while (true) {
        // A moment with no round under way: the log and the counts say the same.
        waitFor(
            Duration.ofSeconds(30),
            () -> rounds().stream().allMatch(r -> r.finished() != null),
            "a moment between rounds");
        List<Round> before = rounds();
        counts = Map.copyOf(targets.counts);
        log = rounds();
        if (log.equals(before) && log.stream().allMatch(r -> r.finished() != null)) {
          break;
        }
      }
      for (String g : GROUPS) {
        List<Round> of = log.stream().filter(r -> r.group() == groupId(g)).toList();
        assertThat(of.stream().map(Round::scheduled).distinct().count())
            .as("group %s: each scheduled round ran once: %s", g, of)
            .isEqualTo(of.size());
        for (int i = 1; i < of.size(); i++) {
          assertThat(of.get(i - 1).finished())
              .as("group %s: rounds never overlap: %s", g, of)
              .isBeforeOrEqualTo(of.get(i).started());
        }
        int probed = of.stream().mapToInt(Round::watches).sum();
        int full = (int) of.stream().filter(r -> r.watches() > 0).count();
        int arrived = 0;
        for (int i = 1; i <= PER_GROUP; i++) {
          int n = counts.getOrDefault(address(g, i), 0);
          assertThat(n)
              .as("%s: probed at most once per round", address(g, i))
              .isLessThanOrEqualTo(full);
          arrived += n;
        }
        assertThat(arrived)
            .as("group %s: the connections that arrived are the watches the rounds probed", g)
            .isEqualTo(probed);
      }

      // ---- every node knows every watch's state, whichever node probed it
      for (DetourProcess n : nodes) {
        waitFor(
            Duration.ofSeconds(60),
            () -> states(n).path("up").asInt() == GROUPS.size() * PER_GROUP,
            "every watch up on every node");
      }

      // ---- one node at a time syncs the router
      waitFor(Duration.ofSeconds(30), () -> router.restRequests() >= 20, "syncs");
      assertThat(router.restMostInFlight())
          .as("one node at a time talks to the router (%d requests)", router.restRequests())
          .isEqualTo(1);
      assertThat(
              router.entries("ip/route").stream()
                  .filter(r -> "192.0.2.0/24".equals(r.get("dst-address")))
                  .count())
          .as("the pinned route, added once")
          .isEqualTo(1);

      // ---- a node killed in the middle of a round
      Round[] victim = new Round[1];
      waitFor(
          Duration.ofSeconds(60),
          () -> {
            victim[0] =
                rounds().stream()
                    .filter(r -> r.finished() == null && r.watches() == 0)
                    .findFirst()
                    .orElse(null);
            return victim[0] != null;
          },
          "a round under way");
      Instant killedAt = Instant.now();
      byNode.get(victim[0].node()).kill9();
      waitFor(
          Duration.ofSeconds(90),
          () ->
              rounds().stream()
                  .anyMatch(
                      r ->
                          r.group() == victim[0].group()
                              && r.scheduled().equals(victim[0].scheduled())
                              && r.recovered()
                              && r.finished() != null
                              && !r.node().equals(victim[0].node())),
          "the killed node's round run again by another node");
      waitFor(
          Duration.ofSeconds(60),
          () ->
              eachGroupHas(
                  3, r -> r.started().isAfter(killedAt) && r.finished() != null && !r.recovered()),
          "the rounds going on without the killed node");
      List<Round> after = rounds();
      Round recovery =
          after.stream()
              .filter(r -> r.recovered() && r.scheduled().equals(victim[0].scheduled()))
              .findFirst()
              .orElseThrow();
      System.out.printf(
          "cluster: rounds per node before the kill %s; node %s killed in a round of group %d"
              + " due %s; run again by %s %d ms after the kill%n",
          log.stream()
              .collect(Collectors.groupingBy(Round::node, TreeMap::new, Collectors.counting())),
          victim[0].node(),
          victim[0].group(),
          victim[0].scheduled(),
          recovery.node(),
          Duration.between(killedAt, recovery.started()).toMillis());
      for (String g : GROUPS) {
        TreeSet<Instant> slots =
            after.stream()
                .filter(r -> r.group() == groupId(g))
                .filter(r -> r.finished() != null)
                .filter(r -> !r.scheduled().isBefore(killedAt.minusSeconds(3L * INTERVAL)))
                .map(Round::scheduled)
                .collect(Collectors.toCollection(TreeSet::new));
        Instant previous = null;
        for (Instant slot : slots) {
          if (previous != null) {
            assertThat(Duration.between(previous, slot))
                .as("group %s: no round of the schedule lost around the kill: %s", g, slots)
                .isEqualTo(Duration.ofSeconds(INTERVAL));
          }
          previous = slot;
        }
        assertThat(
                after.stream()
                    .filter(r -> r.group() == groupId(g) && r.started().isAfter(killedAt))
                    .map(Round::node))
            .as("group %s: only the living run rounds after the kill", g)
            .doesNotContain(victim[0].node());
      }
    } finally {
      for (DetourProcess n : nodes) {
        n.close();
      }
      sql("drop schema if exists " + SCHEMA + " cascade");
    }
  }

  private static void startNodes(Path root, Map<String, String> c, List<DetourProcess> nodes)
      throws Exception {
    ExecutorService starting = Executors.newFixedThreadPool(3);
    try {
      List<Future<DetourProcess>> started = new ArrayList<>();
      for (int i = 1; i <= 3; i++) {
        Path dir = root.resolve("node" + i);
        int port = DetourProcess.freePort();
        started.add(starting.submit(() -> DetourProcess.startOnPostgres(dir, port, c)));
      }
      // Every node that started goes into the list the test stops at its end, also when another
      // failed to start.
      java.util.concurrent.ExecutionException failed = null;
      for (Future<DetourProcess> f : started) {
        try {
          nodes.add(f.get());
        } catch (java.util.concurrent.ExecutionException e) {
          failed = failed == null ? e : failed;
        }
      }
      if (failed != null) {
        throw failed;
      }
    } finally {
      starting.shutdown();
    }
  }

  /** Whether every group has logged at least {@code n} rounds like these. */
  private boolean eachGroupHas(int n, java.util.function.Predicate<Round> like) {
    List<Round> all = rounds();
    return GROUPS.stream()
        .allMatch(g -> all.stream().filter(r -> r.group() == groupId(g)).filter(like).count() >= n);
  }

  private static String address(String group, int i) {
    return "127.0." + (GROUPS.indexOf(group) + 1) + "." + i;
  }

  private static JsonNode states(DetourProcess n) {
    try {
      return n.get("/api/monitor").path("states");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private final Map<String, Long> groupIds = new ConcurrentHashMap<>();

  private long groupId(String name) {
    return groupIds.computeIfAbsent(
        name,
        n -> {
          try (Connection db = connect();
              ResultSet r =
                  db.createStatement()
                      .executeQuery("select id from watch_group where name = '" + n + "'")) {
            return r.next() ? r.getLong(1) : -1L;
          } catch (SQLException e) {
            throw new IllegalStateException(e);
          }
        });
  }

  private static List<Round> rounds() {
    try (Connection db = connect();
        ResultSet r =
            db.createStatement()
                .executeQuery(
                    "select id, group_id, node, scheduled_at, started_at, finished_at, watches,"
                        + " recovered from round_log order by started_at, id")) {
      List<Round> all = new ArrayList<>();
      while (r.next()) {
        java.sql.Timestamp finished = r.getTimestamp(6);
        all.add(
            new Round(
                r.getLong(1),
                r.getLong(2),
                r.getString(3),
                r.getTimestamp(4).toInstant(),
                r.getTimestamp(5).toInstant(),
                finished == null ? null : finished.toInstant(),
                r.getInt(7),
                r.getBoolean(8)));
      }
      return all;
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(DB_URL + "?currentSchema=" + SCHEMA, DB_USER, DB_PASSWORD);
  }

  private static void sql(String... statements) throws SQLException {
    try (Connection db = DriverManager.getConnection(DB_URL, DB_USER, DB_PASSWORD);
        Statement s = db.createStatement()) {
      for (String statement : statements) {
        s.execute(statement);
      }
    }
  }

  private static void waitFor(Duration limit, BooleanSupplier done, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.getAsBoolean()) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("waited " + limit.toSeconds() + " s for " + what);
  }
}
