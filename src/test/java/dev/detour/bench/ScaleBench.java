package dev.detour.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.testing.ShippedJvm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The watch-list scale: the packaged service, started as a user starts it (the shipped JVM options,
 * embedded database; beside the 100k case the JVM's own defaults), watching 10k and 100k single
 * addresses, or prefixes of the benchmarking range on eight ports (131,072 addresses × 8 = 1M
 * address-ports, sampled per /24), every 60 s with SYN probes. Over two rounds after the first:
 * whether each round finished inside its interval, the CPU it averaged, its RSS, the database's
 * size and /q/metrics's.
 */
final class ScaleBench {

  /** One case: what is watched. */
  record Case(String name, List<String> lines, String ports, long addresses, List<String> jvm) {}

  /** What one run of one case measured. */
  record Result(
      String name,
      long addresses,
      double roundSecondsMax,
      double roundSecondsMean,
      long overruns,
      double cpuCores,
      long rssMb,
      long peakRssMb,
      long databaseMb,
      long metricsKb,
      double startupSeconds,
      double importSeconds,
      double restartToProbingSeconds,
      Load apiCold,
      Load api,
      Load page,
      String phases) {}

  /** wrk's figures for one URL: requests a second and latency percentiles in ms. */
  record Load(double perSecond, double p50, double p99, long errors) {}

  static final int INTERVAL = 60;
  private static final int ROUNDS = 2;

  private ScaleBench() {}

  static List<Case> cases(boolean quick) {
    List<Case> cases = new ArrayList<>();
    // -Dbench.scale.sizes=20000,50000 measures other list sizes (profiling).
    String sizes = System.getProperty("bench.scale.sizes", quick ? "2000" : "10000,100000");
    for (int n : java.util.Arrays.stream(sizes.split(",")).mapToInt(Integer::parseInt).toArray()) {
      List<String> lines = addresses(n);
      // The service as the README's command, the unit, the image and the chart start it (the
      // shipped JVM options); -Dbench.scale.jvm="MALLOC_ARENA_MAX=2 -Xmx384m" runs those sizes
      // with those options instead ("-Dbench.scale.jvm=none": the JVM's own defaults).
      String asked = System.getProperty("bench.scale.jvm", "").strip();
      List<String> jvm =
          asked.isEmpty()
              ? ShippedJvm.asStarted()
              : asked.equals("none") ? List.of() : List.of(asked.split("\\s+"));
      cases.add(
          new Case(
              String.format(Locale.ROOT, "%,d addresses", n)
                  + (asked.isEmpty() ? "" : ", " + (jvm.isEmpty() ? "JVM defaults" : asked)),
              lines,
              "8000",
              n,
              jvm));
      if (n >= 100_000 && System.getProperty("bench.scale.sizes") == null) {
        // Beside it, what plain `java -jar` gives on the same machine: what the options save.
        cases.add(
            new Case(
                String.format(Locale.ROOT, "%,d addresses, JVM defaults", n),
                lines,
                "8000",
                n,
                List.of()));
      }
    }
    if (System.getProperty("bench.scale.sizes") != null) {
      return cases;
    }
    cases.add(
        new Case(
            "2 × /16 prefixes on 8 ports",
            List.of("198.18.0.0/16", "198.19.0.0/16"),
            "8000,8001,8002,8003,8004,8005,8006,8007",
            131_072L * 8,
            ShippedJvm.asStarted()));
    return cases;
  }

  /** The footprint's cases: the shipped service at 10,000 and 100,000 addresses. */
  static List<Case> footprintCases(boolean quick) {
    List<Case> cases = new ArrayList<>();
    for (int n : quick ? new int[] {2000} : new int[] {10_000, 100_000}) {
      cases.add(
          new Case(
              String.format(Locale.ROOT, "%,d addresses", n),
              addresses(n),
              "8000",
              n,
              ShippedJvm.asStarted()));
    }
    return cases;
  }

  /** {@code n} addresses of 198.18.0.0/15, skipping each /16's first and last. */
  private static List<String> addresses(int n) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int a = 1 + i % 65534 + (i / 65534) * 65536;
      lines.add("198." + (18 + a / 65536) + "." + (a / 256 % 256) + "." + (a % 256));
    }
    return lines;
  }

  static Result run(Case c, Path work) throws Exception {
    Path dir = Files.createTempDirectory(work, "scale");
    Map<String, String> props = new TreeMap<>();
    props.put("detour.probe.interval", INTERVAL + "s");
    props.put("detour.probe.kinds", "tcp_syn");
    props.put("detour.monitor.prefix.probes", "tcp_syn");
    props.put("detour.watch.ports", c.ports());
    props.put("detour.probe.packets-per-second", "20000");
    props.put("detour.probe.syn-wait", "1s");
    props.put("detour.monitor.concurrency", "4096");
    props.put("detour.control.mode", "none");
    props.put("detour.uplink.anchors", BenchLab.FAR_ADDRESS);
    props.put("detour.alerts.enabled", "false");
    // Where each start's time goes (StartPhases, at debug level): the restart's is reported.
    props.put("quarkus.log.category.\"dev.detour.system.StartPhases\".level", "DEBUG");
    long started = System.nanoTime();
    try (DetourProcess detour =
        DetourProcess.startAsUser(
            BenchLab.PROBE, dir, DetourProcess.freePort(), props, jvmOptions(c))) {
      double startup = (System.nanoTime() - started) / 1e9;
      detour.post(
          "/api/groups",
          "{\"name\":\"scale\",\"intervalSeconds\":" + INTERVAL + ",\"probes\":[\"tcp_syn\"]}");
      long importStart = System.nanoTime();
      importLines(detour, String.join("\n", c.lines()) + "\n");
      double importSeconds = (System.nanoTime() - importStart) / 1e9;
      // The first full round: up to an interval away, then as long as it takes.
      waitForRounds(detour, 1, INTERVAL * 6L);
      long cpu0 = Proc.cpuTicksWithChildren(detour.pid());
      long t0 = System.nanoTime();
      // Twice the time the rounds should take: a list too large for its interval shows how long
      // its rounds take (a round runs to its end before the next begins).
      int done = waitForRounds(detour, 1 + ROUNDS, 2 * INTERVAL * (ROUNDS + 2L));
      double window = (System.nanoTime() - t0) / 1e9;
      long cpu1 = Proc.cpuTicksWithChildren(detour.pid());
      double cpu = (cpu1 - cpu0) / (double) Proc.TICKS / window;
      String metrics = detour.call("GET", "/q/metrics", null).body();
      Result r =
          new Result(
              c.name(),
              c.addresses(),
              metric(metrics, "detour_round_duration_seconds_max"),
              metric(metrics, "detour_round_duration_seconds_sum")
                  / Math.max(1, metric(metrics, "detour_round_duration_seconds_count")),
              (long) metric(metrics, "detour_round_overruns_total"),
              cpu,
              Proc.statusKb(detour.pid(), "VmRSS") / 1024,
              Proc.statusKb(detour.pid(), "VmHWM") / 1024,
              Proc.duBytes(dir.resolve("data")) / (1024 * 1024),
              metrics.getBytes(StandardCharsets.UTF_8).length / 1024,
              startup,
              importSeconds,
              -1,
              null,
              null,
              null,
              "");
      // The API and the overview page under load from a second process while rounds go on.
      String token =
          detour
              .post("/api/tokens", "{\"name\":\"bench\",\"role\":\"viewer\"}")
              .get("secret")
              .asText();
      // The first 10 s of load on a service that has served none (its request path not yet
      // compiled), then the same again: the table's p99 is the second's, the first is beside it.
      Load apiCold = wrk(detour.base() + "/api/watches?size=50", "Authorization: Bearer " + token);
      Load api = wrk(detour.base() + "/api/watches?size=50", "Authorization: Bearer " + token);
      Load page = wrk(detour.base() + "/", "Cookie: " + login(BenchLab.PROBE, detour));
      // A restart with the list in place: from the process's start to its first probes.
      detour.stop();
      keepRecording(c, "rounds");
      long restart = System.nanoTime();
      detour.start(props);
      double toProbing = -1;
      while (System.nanoTime() - restart < 120_000_000_000L) {
        JsonNode m = detour.get("/api/monitor");
        if (m.path("probing").asInt() + m.path("queued").asInt() > 0
            || m.path("rounds").path("scale").asInt() > 0) {
          toProbing = (System.nanoTime() - restart) / 1e9;
          break;
        }
        Thread.sleep(50);
      }
      r =
          new Result(
              r.name(),
              r.addresses(),
              r.roundSecondsMax(),
              r.roundSecondsMean(),
              r.overruns(),
              r.cpuCores(),
              r.rssMb(),
              r.peakRssMb(),
              r.databaseMb(),
              r.metricsKb(),
              r.startupSeconds(),
              r.importSeconds(),
              toProbing,
              apiCold,
              api,
              page,
              phases(detour.log()));
      System.out.printf(Locale.ROOT, "scale %s: %s (%d rounds)%n", c.name(), r, done);
      return r;
    } catch (Exception e) {
      // What the service said about it goes into the report, before its directory goes.
      throw new IOException(e.getMessage() + problems(dir.resolve("detour.log")), e);
    } finally {
      Tools.quietly("rm -rf " + dir);
    }
  }

  /**
   * The latest start's phases as StartPhases told them ({@code boot 5.1 s, start-up work 0.3 s,
   * first round 2.0 s later}), or "" when the log has none yet.
   */
  static String phases(Path log) {
    try {
      java.util.regex.Matcher boot = null;
      java.util.regex.Matcher round = null;
      for (String line : Files.readAllLines(log)) {
        java.util.regex.Matcher b =
            java.util.regex.Pattern.compile(
                    "the pool\\) ([\\d.]+) s, Detour's start-up work ([\\d.]+) s")
                .matcher(line);
        if (b.find()) {
          boot = b;
          round = null;
        }
        java.util.regex.Matcher r =
            java.util.regex.Pattern.compile("began ([\\d.]+) s after start-up").matcher(line);
        if (r.find()) {
          round = r;
        }
      }
      if (boot == null) {
        return "";
      }
      return "boot "
          + boot.group(1)
          + " s, start-up work "
          + boot.group(2)
          + " s"
          + (round == null ? "" : ", first round " + round.group(1) + " s later");
    } catch (IOException e) {
      return "";
    }
  }

  /** The service's last errors and warnings, a line each, from its log. */
  static String problems(Path log) {
    try {
      List<String> bad =
          Files.readAllLines(log).stream()
              .filter(
                  l -> l.contains(" ERROR ") || l.contains(" WARN ") || l.startsWith("Caused by"))
              .filter(l -> !l.contains("newer than the version Flyway has been verified with"))
              .toList();
      // The first complaints say what went wrong; the last, how it ended.
      List<String> shown =
          bad.size() <= 16
              ? bad
              : java.util.stream.Stream.concat(
                      bad.subList(0, 10).stream(),
                      java.util.stream.Stream.concat(
                          java.util.stream.Stream.of("…"),
                          bad.subList(bad.size() - 5, bad.size()).stream()))
                  .toList();
      return bad.isEmpty() ? "" : "\nthe service's log:\n" + String.join("\n", shown);
    } catch (IOException e) {
      return "";
    }
  }

  /** A session cookie of the admin, as a browser gets it from the login form. */
  static String login(String ns, DetourProcess detour) throws IOException {
    String headers =
        Tools.sh(
            "ip netns exec "
                + ns
                + " curl -s -o /dev/null -D - --data-urlencode username=admin --data-urlencode"
                + " password="
                + DetourProcess.ADMIN_PASSWORD
                + " "
                + detour.base()
                + "/login");
    Matcher m = Pattern.compile("(?im)^set-cookie: (detour_session=[^;\\s]+)").matcher(headers);
    if (!m.find()) {
      throw new IOException("no session from the login form:\n" + headers);
    }
    return m.group(1);
  }

  /** wrk from the probing namespace: 2 threads, 16 connections, 10 s. */
  static Load wrk(String url, String header) throws IOException {
    String out =
        Tools.sh(
            "ip netns exec "
                + BenchLab.PROBE
                + " wrk -t 2 -c 16 -d 10s --latency -H '"
                + header
                + "' '"
                + url
                + "'");
    double rate = Double.parseDouble(find(out, "Requests/sec:\\s+([0-9.]+)", "0"));
    long errors = Long.parseLong(find(out, "Non-2xx or 3xx responses: (\\d+)", "0"));
    // wrk counts requests that got no answer in its 2 s timeout (and refused connections) apart.
    Matcher socket =
        Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
            .matcher(out);
    if (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(socket.group(g));
      }
    }
    return new Load(
        rate,
        millis(find(out, " 50%\\s+(\\S+)", "0ms")),
        millis(find(out, " 99%\\s+(\\S+)", "0ms")),
        errors);
  }

  private static String find(String text, String regex, String otherwise) {
    Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? m.group(1) : otherwise;
  }

  /** wrk's "812.00us", "1.23ms", "2.01s" in milliseconds. */
  static double millis(String value) {
    if (value.endsWith("us")) {
      return Double.parseDouble(value.substring(0, value.length() - 2)) / 1000;
    }
    if (value.endsWith("ms")) {
      return Double.parseDouble(value.substring(0, value.length() - 2));
    }
    if (value.endsWith("m")) {
      return Double.parseDouble(value.substring(0, value.length() - 1)) * 60_000;
    }
    return Double.parseDouble(value.substring(0, value.length() - 1)) * 1000;
  }

  /** {@code -Dbench.jfr=DIR}: a flight recording of each case, for profiling. */
  /**
   * The flight recording the stopped process wrote, kept under {@code suffix}: the restarted one
   * writes to the same file.
   */
  private static void keepRecording(Case c, String suffix) throws IOException {
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      Path file = Path.of(jfr, recordingName(c) + ".jfr");
      if (Files.exists(file)) {
        Files.move(
            file,
            file.resolveSibling(recordingName(c) + "-" + suffix + ".jfr"),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static String recordingName(Case c) {
    return c.name().replaceAll("[^a-z0-9]+", "-");
  }

  private static List<String> jvmOptions(Case c) {
    List<String> options = new ArrayList<>(c.jvm());
    String jfr = System.getProperty("bench.jfr");
    if (jfr != null) {
      String file = Path.of(jfr, recordingName(c) + ".jfr").toString();
      options.add("-XX:StartFlightRecording=filename=" + file + ",settings=profile");
    }
    return options;
  }

  static void importLines(DetourProcess detour, String body) throws IOException {
    Path file = Files.createTempFile("scale", ".txt");
    try {
      Files.writeString(file, body);
      String result =
          Tools.sh(
              "ip netns exec "
                  + BenchLab.PROBE
                  + " curl -sS -o /dev/null -w '%{http_code}' -X POST"
                  + " -H 'Content-Type: text/plain' -H 'Authorization: "
                  + DetourProcess.basicAuth()
                  + "' --data-binary @"
                  + file
                  + " '"
                  + detour.base()
                  + "/api/watches/import?group=scale'");
      if (!result.strip().startsWith("2")) {
        throw new IOException("import of " + file + " answered " + result);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /** Waits until the group has done {@code rounds} rounds; returns how many it has done. */
  static int waitForRounds(DetourProcess detour, int rounds, long limitSeconds) throws Exception {
    long deadline = System.nanoTime() + limitSeconds * 1_000_000_000L;
    int done = 0;
    while (System.nanoTime() < deadline) {
      // /api/monitor, not /q/metrics: scraping a large watch list every few seconds would
      // weigh on the CPU figures.
      done = detour.get("/api/monitor").path("rounds").path("scale").asInt();
      if (done >= rounds) {
        return done;
      }
      Thread.sleep(2000);
    }
    throw new IOException(
        rounds + " rounds not done in " + limitSeconds + " s (" + done + " done)");
  }

  /** The sum of a metric's series for group "scale" (0 when absent). */
  static double metric(String metrics, String name) {
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(name) + "\\{[^}]*group=\"scale\"[^}]*} ([0-9.eE+-]+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }
}
