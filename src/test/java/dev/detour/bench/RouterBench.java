package dev.detour.bench;

import dev.detour.route.Reconciler;
import dev.detour.route.RouterBackend;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import dev.detour.route.linux.LinuxBackend;
import dev.detour.route.linux.LinuxSettings;
import dev.detour.route.mikrotik.MikrotikApiBackend;
import dev.detour.route.mikrotik.MikrotikApiKind;
import dev.detour.route.mikrotik.MikrotikRestBackend;
import dev.detour.route.mikrotik.MikrotikRestKind;
import dev.detour.route.mikrotik.RouterOsEmulator;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@code bench/run --only router}: one sync of Detour's routes on a router that carries a full BGP
 * table (1,000,000 dynamic IPv4 routes) — the MikroTik emulator over REST and over the API, and
 * this host's kernel in a namespace of its own (the BGP table in main, Detour's in table 1001).
 * Detour's side runs in a JVM of its own with a 64 MB heap, so the figure is what the sync needs:
 * it lists, finds 1% of its routes no longer wanted and as many new ones, and applies that.
 */
public final class RouterBench {

  static final int FOREIGN = 1_000_000;
  static final int[] OWNED = {100, 10_000, 30_000};
  static final String HEAP = "-Xmx64m";

  /** One sync: how long listing and the whole sync took, how much memory Detour's JVM held. */
  record Result(
      String router,
      int owned,
      int foreign,
      double listSeconds,
      double syncSeconds,
      int changes,
      long peakRssKb) {}

  private RouterBench() {}

  static List<Result> run(String classpath) throws Exception {
    List<Result> results = new ArrayList<>();
    for (int owned : OWNED) {
      for (String transport : List.of("rest", "api")) {
        try (RouterOsEmulator router =
            new RouterOsEmulator().feed("16.0.0.0", FOREIGN, true, "203.0.113.1", "main")) {
          router.detoursRoutes("100.0.0.0", owned, "detour earlier");
          String where =
              transport.equals("rest") ? router.restUrl() : Integer.toString(router.apiPort());
          results.add(
              child(
                  List.of(),
                  classpath,
                  transport.equals("rest") ? "MikroTik emulator (REST)" : "MikroTik emulator (API)",
                  transport,
                  where,
                  owned));
        }
      }
      results.add(linux(classpath, owned));
    }
    return results;
  }

  /** Detour's table in a namespace whose main table has the full BGP table. */
  private static Result linux(String classpath, int owned) throws Exception {
    String ns = "drb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    try {
      sh("ip", "netns", "add", ns);
      sh("ip", "-n", ns, "link", "set", "lo", "up");
      sh("ip", "-n", ns, "link", "add", "tun0", "type", "veth", "peer", "name", "tun1");
      sh("ip", "-n", ns, "addr", "add", "192.0.2.2/30", "dev", "tun0");
      sh("ip", "-n", ns, "link", "set", "tun0", "up");
      sh("ip", "-n", ns, "link", "set", "tun1", "up");
      Path batch = Files.createTempFile("detour-router-bench", ".batch");
      try {
        try (BufferedWriter w = Files.newBufferedWriter(batch)) {
          for (int i = 0; i < FOREIGN; i++) {
            w.write(
                "route add "
                    + RouterOsEmulator.slash24(16 << 24, i)
                    + " via 192.0.2.1 proto bgp\n");
          }
          for (int i = 0; i < owned; i++) {
            w.write(
                "route add "
                    + RouterOsEmulator.slash24(100 << 24, i)
                    + " dev tun0 table 1001 proto 211 metric 5\n");
          }
        }
        sh("ip", "-n", ns, "-batch", batch.toString());
      } finally {
        Files.deleteIfExists(batch);
      }
      return child(
          List.of("ip", "netns", "exec", ns),
          classpath,
          "Linux (a namespace's kernel)",
          "linux",
          "tun0",
          owned);
    } finally {
      new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(60, TimeUnit.SECONDS);
    }
  }

  private static Result child(
      List<String> prefix,
      String classpath,
      String label,
      String transport,
      String where,
      int owned)
      throws Exception {
    List<String> command = new ArrayList<>(prefix);
    command.addAll(
        List.of(
            "/usr/bin/time",
            "-f",
            "peak-rss-kb %M",
            "java",
            HEAP,
            "-XX:+UseSerialGC",
            "-cp",
            classpath,
            RouterBench.class.getName(),
            transport,
            where,
            Integer.toString(owned)));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out;
    try (var in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(label + ": the sync failed: " + out);
    }
    Map<String, String> said = new HashMap<>();
    for (String line : out.split("\n")) {
      String[] f = line.strip().split(" ");
      if (f.length == 2) {
        said.put(f[0], f[1]);
      }
    }
    return new Result(
        label,
        owned,
        FOREIGN,
        Long.parseLong(said.get("list-ms")) / 1000.0,
        Long.parseLong(said.get("sync-ms")) / 1000.0,
        Integer.parseInt(said.get("changes")),
        Long.parseLong(said.get("peak-rss-kb")));
  }

  /**
   * Detour's side: {@code transport where owned}. Lists, plans 1% of the routes away and as many
   * new, applies, and prints its timings.
   */
  public static void main(String[] args) throws Exception {
    String transport = args[0];
    String where = args[1];
    int owned = Integer.parseInt(args[2]);
    int churn = Math.max(1, owned / 100);
    List<String> wanted = new ArrayList<>();
    for (int i = churn; i < owned + churn; i++) {
      wanted.add(RouterOsEmulator.slash24(100 << 24, i));
    }
    Map<String, String> comments = new HashMap<>();
    wanted.forEach(w -> comments.put(w, "detour bench"));
    long start = System.nanoTime();
    try (RouterBackend backend = backend(transport, where)) {
      List<dev.detour.route.RouterRoute> listed = backend.list();
      long listed_ = System.nanoTime();
      Reconciler.Diff diff = Reconciler.diff(wanted, listed);
      Reconciler.Outcome outcome = Reconciler.apply(backend, diff, comments, 0, change -> {});
      long done = System.nanoTime();
      if (outcome.error() != null || outcome.failed() > 0) {
        throw new IllegalStateException("the sync failed: " + outcome);
      }
      var out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
      out.write(String.format(Locale.ROOT, "list-ms %d%n", (listed_ - start) / 1_000_000));
      out.write(String.format(Locale.ROOT, "sync-ms %d%n", (done - start) / 1_000_000));
      out.write(
          String.format(
              Locale.ROOT,
              "changes %d%n",
              outcome.added() + outcome.removed() + outcome.updated()));
      out.flush();
    }
  }

  private static RouterBackend backend(String transport, String where) {
    Duration timeout = Duration.ofSeconds(60);
    return switch (transport) {
      case "rest" -> new MikrotikRestBackend(mikrotik(new MikrotikRestKind(), where, 0, timeout));
      case "api" ->
          new MikrotikApiBackend(
              mikrotik(new MikrotikApiKind(), null, Integer.parseInt(where), timeout));
      default -> new LinuxBackend(LinuxSettings.of(where, 211, "none"));
    };
  }

  private static RouterSettings mikrotik(
      dev.detour.route.RouterKind kind, String url, int port, Duration timeout) {
    return new RouterSettings(
        "bench",
        kind,
        url,
        "127.0.0.1",
        port,
        false,
        null,
        null,
        RouterOsEmulator.USER,
        RouterOsEmulator.PASSWORD,
        "gre-tunnel1",
        1,
        "main",
        "detour",
        100_000,
        RoutersConfig.RouterMode.ROUTES,
        "detour",
        timeout,
        0,
        null,
        0);
  }

  private static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(String.join(" ", command) + ": " + out);
    }
  }
}
