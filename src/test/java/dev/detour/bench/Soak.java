package dev.detour.bench;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The soak: the packaged service on the censorship lab's home (docs/lab.md), as a user runs it,
 * watching a large list while the censor switches blocks on and off and a second process loads the
 * UI and the API, for a given time. It fails when a toggled block is not found, routed and
 * withdrawn, when a request of the load fails, when the live heap, the resident memory or the
 * thread count grows from the first half of the run to the second, or when the service logs an
 * error. {@code bench/soak} runs it for 30 minutes and more; {@link SoakIT} runs a short one in the
 * test suite.
 */
public final class Soak {

  /** What to run: for how long, how many watches, rounds every {@code interval} seconds. */
  public record Settings(Duration length, int watches, int interval, Path report) {}

  /** One look at the process: minutes from the start of the load, sizes in MB. */
  record Sample(
      double minute,
      long liveHeapMb,
      long heapCommittedMb,
      long rssMb,
      int threads,
      long databaseMb,
      int rounds) {

    /** The resident memory that is not the Java heap: what a native leak would grow. */
    long outsideHeapMb() {
      return Math.max(0, rssMb - heapCommittedMb);
    }
  }

  /** What the soak saw; {@link #problems} empty when it passed. */
  public record Result(
      List<Sample> samples,
      List<String> problems,
      int cycles,
      List<Double> verdictSeconds,
      long requests,
      long requestErrors,
      List<String> warnings) {
    public boolean passed() {
      return problems.isEmpty();
    }
  }

  /**
   * The censor's toggles, each on its own address of the lab's 198.18.0.0/16: a black hole, an
   * injected RST, DPI on the SYN's shape, and a host that is off (down, never routed).
   */
  private record Toggle(String address, List<String> scenario, boolean routed) {}

  private static final List<Toggle> TOGGLES =
      List.of(
          new Toggle("198.18.0.1", List.of("blackhole", "198.18.0.1", "80"), true),
          new Toggle("198.18.0.2", List.of("rst", "198.18.0.2", "80"), true),
          new Toggle("198.18.0.3", List.of("dpi-syn", "198.18.0.3", "80"), true),
          new Toggle("198.18.0.4", List.of("down", "198.18.0.4"), false));

  /**
   * The heap of a small box (docs/deployment.md), fixed and touched at start: the resident memory
   * then changes only outside the heap, and the heap is judged by what lives in it. At the JVM's
   * defaults on a large machine the collector grew and gave back 300 MB within minutes, a swing no
   * leak check can see through.
   */
  private static final List<String> SOAK_JVM =
      List.of("MALLOC_ARENA_MAX=2", "-Xms384m", "-Xmx384m", "-XX:+AlwaysPreTouch");

  private static final String TABLE = "1001";
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(30);

  private Soak() {}

  public static void main(String[] args) throws Exception {
    Duration length = Duration.ofMinutes(30);
    int watches = 10_000;
    int interval = 30;
    Path report = Path.of("docs", "soak.md");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--minutes" -> length = Duration.ofMinutes(Long.parseLong(args[++i]));
        case "--watches" -> watches = Integer.parseInt(args[++i]);
        case "--interval" -> interval = Integer.parseInt(args[++i]);
        case "--out" -> report = Path.of(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Bench.jar();
    Result result = run(new Settings(length, watches, interval, report));
    System.out.println(Files.readString(report));
    System.exit(result.passed() ? 0 : 1);
  }

  public static Result run(Settings s) throws Exception {
    if (s.watches() > 60_000) {
      throw new IllegalArgumentException("the lab's /16 holds 60,000 soak watches at most");
    }
    List<String> problems = new CopyOnWriteArrayList<>();
    List<Sample> samples = new CopyOnWriteArrayList<>();
    List<Double> verdicts = new ArrayList<>();
    Path dir = Files.createTempDirectory("detour-soak-");
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    try (Lab lab = Lab.up()) {
      String home = lab.namespace("home");
      Map<String, String> c = DetourProcess.quickHome(s.interval());
      c.put("detour.routes.allow-reserved", "198.18.0.0/15");
      c.put("detour.routes.withdraw-grace", "0s");
      c.put("detour.routes.sync-every", "5s");
      c.put("detour.alerts.enabled", "false");
      c.put("detour.watch.ports", "80");
      c.put("detour.probe.packets-per-second", "2000");
      c.put("detour.verdict.recheck-after", "2s");
      c.put("detour.routers.home.type", "linux");
      c.put("detour.routers.home.gateway", Lab.TUNNEL_VPS + "%vx0");
      int port = DetourProcess.freePort();
      try (DetourProcess detour = DetourProcess.startAsUser(home, dir, port, c, SOAK_JVM)) {
        String groups =
            "{\"name\":\"%s\",\"intervalSeconds\":%d,\"probes\":[\"icmp\",\"tcp_syn\"]}";
        detour.post("/api/groups", String.format(Locale.ROOT, groups, "soak", s.interval()));
        detour.post("/api/groups", String.format(Locale.ROOT, groups, "toggle", s.interval()));
        detour.post("/api/groups", String.format(Locale.ROOT, groups, "churn", 3600));
        importList(home, detour, addresses(s.watches()));
        for (Toggle t : TOGGLES) {
          detour.post("/api/watches", "{\"target\":\"" + t.address() + "\",\"group\":\"toggle\"}");
        }
        await(
            detour,
            Duration.ofSeconds(6L * s.interval() + 60),
            d -> TOGGLES.stream().allMatch(t -> "up".equals(state(d, t.address()))),
            "every toggled address up at the start");
        String token =
            detour
                .post("/api/tokens", "{\"name\":\"soak\",\"role\":\"viewer\"}")
                .get("secret")
                .asText();
        String cookie = ScaleBench.login(home, detour);
        Path loadLog = dir.resolve("load.log");
        long started = System.nanoTime();
        Process load = startLoad(home, detour.base(), token, cookie, s.length(), loadLog);
        sampler.scheduleAtFixedRate(
            () -> sample(detour, dir, started, samples, problems),
            0,
            SAMPLE_EVERY.toSeconds(),
            TimeUnit.SECONDS);
        int cycles = 0;
        long deadline = started + s.length().toNanos();
        while (System.nanoTime() < deadline) {
          cycle(lab, detour, s.interval(), verdicts, problems);
          churn(detour, cycles, problems);
          cycles++;
        }
        if (!load.waitFor(120, TimeUnit.SECONDS)) {
          load.destroyForcibly();
          problems.add("the load did not end with the soak");
        }
        sampler.shutdown();
        sampler.awaitTermination(60, TimeUnit.SECONDS);
        long[] requests = loadFigures(loadLog, problems);
        String log = detour.logText();
        List<String> errors = lines(log, l -> l.contains(" ERROR ") || l.startsWith("Caused by"));
        if (!errors.isEmpty()) {
          problems.add(
              errors.size()
                  + " errors in the service's log, the first: "
                  + String.join("\n", errors.subList(0, Math.min(5, errors.size()))));
        }
        List<String> warnings =
            lines(log, l -> l.contains(" WARN ")).stream()
                .filter(l -> !l.contains("newer than the version Flyway has been verified with"))
                .toList();
        flatness(samples, problems);
        Result r =
            new Result(
                List.copyOf(samples),
                List.copyOf(problems),
                cycles,
                verdicts,
                requests[0],
                requests[1],
                warnings);
        write(s, r);
        return r;
      }
    } catch (Exception | AssertionError e) {
      throw new IOException(e.getMessage() + ScaleBench.problems(dir.resolve("detour.log")), e);
    } finally {
      sampler.shutdownNow();
      Tools.quietly("rm -rf " + dir);
    }
  }

  /** 198.18.1.1 onwards, skipping .0 and .255, clear of the toggled 198.18.0.x. */
  static List<String> addresses(int n) {
    List<String> list = new ArrayList<>(n);
    for (int i = 0; list.size() < n; i++) {
      int third = 1 + i / 254;
      int fourth = 1 + i % 254;
      list.add("198.18." + third + "." + fourth);
    }
    return list;
  }

  private static void importList(String ns, DetourProcess detour, List<String> lines)
      throws IOException {
    Path file = Files.createTempFile("soak", ".txt");
    try {
      Files.writeString(file, String.join("\n", lines) + "\n");
      String code =
          Tools.sh(
              "ip netns exec "
                  + ns
                  + " curl -sS -o /dev/null -w '%{http_code}' -X POST -H 'Content-Type:"
                  + " text/plain' -H 'Authorization: "
                  + DetourProcess.basicAuth()
                  + "' --data-binary @"
                  + file
                  + " '"
                  + detour.base()
                  + "/api/watches/import?group=soak'");
      if (!code.strip().startsWith("2")) {
        throw new IOException("the import answered " + code);
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  /**
   * The second process: a shell loop in the service's namespace that runs wrk against the API and
   * the pages in turn (four connections, ten seconds each) and scrapes /q/metrics as Prometheus
   * would, until the soak's end. Each wrk's summary and each scrape's status go to {@code log}.
   */
  private static Process startLoad(
      String ns, String base, String token, String cookie, Duration length, Path log)
      throws IOException {
    String api = "-H 'Authorization: Bearer " + token + "'";
    String page = "-H 'Cookie: " + cookie + "'";
    List<String> targets =
        List.of(
            api + " '" + base + "/api/watches?group=soak&size=50&page=7'",
            api + " '" + base + "/api/status?group=toggle'",
            api + " '" + base + "/api/monitor'",
            api + " '" + base + "/api/routes'",
            page + " '" + base + "/'",
            page + " '" + base + "/watches?group=soak'",
            page + " '" + base + "/routes'",
            page + " '" + base + "/incidents'");
    StringBuilder script = new StringBuilder();
    script.append("end=$(( $(date +%s) + ").append(length.toSeconds()).append(" ))\n");
    script.append("while [ $(date +%s) -lt $end ]; do\n");
    for (String t : targets) {
      script.append("  echo \"URL ").append(t.replace("'", "").replace("\"", "")).append("\"\n");
      script.append("  wrk -t 1 -c 4 -d 10s --timeout 10s ").append(t).append(" 2>&1\n");
      script
          .append("  echo \"SCRAPE $(curl -s -m 30 -o /dev/null -w '%{http_code}' ")
          .append(base)
          .append("/q/metrics)\"\n");
      script.append("  [ $(date +%s) -lt $end ] || break\n");
      script.append("  sleep 2\n");
    }
    script.append("done\n");
    return new ProcessBuilder("ip", "netns", "exec", ns, "sh", "-c", script.toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
  }

  /** Requests the load made and how many failed; a failure of the load itself is a problem. */
  private static long[] loadFigures(Path log, List<String> problems) throws IOException {
    String out = Files.readString(log);
    long requests = 0;
    long errors = 0;
    Matcher done = Pattern.compile("(\\d+) requests in").matcher(out);
    while (done.find()) {
      requests += Long.parseLong(done.group(1));
    }
    Matcher bad = Pattern.compile("Non-2xx or 3xx responses: (\\d+)").matcher(out);
    while (bad.find()) {
      errors += Long.parseLong(bad.group(1));
    }
    Matcher socket =
        Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)")
            .matcher(out);
    while (socket.find()) {
      for (int g = 1; g <= 4; g++) {
        errors += Long.parseLong(socket.group(g));
      }
    }
    Matcher scrape = Pattern.compile("SCRAPE (\\d+)").matcher(out);
    int scrapes = 0;
    while (scrape.find()) {
      requests++;
      scrapes++;
      if (!scrape.group(1).equals("200")) {
        errors++;
      }
    }
    if (requests == 0 || scrapes == 0) {
      problems.add("the load made no requests:\n" + out.substring(0, Math.min(2000, out.length())));
    } else if (errors > 0) {
      problems.add(errors + " of " + requests + " requests of the load failed");
    }
    return new long[] {requests, errors};
  }

  /**
   * One cycle of the censor: every toggle on, until Detour has each verdict and route (a down host:
   * its verdict and no route), then every toggle off, until every route is withdrawn and every
   * address is up again.
   */
  private static void cycle(
      Lab lab, DetourProcess detour, int interval, List<Double> verdicts, List<String> problems) {
    Duration limit = Duration.ofSeconds(6L * interval + 60);
    long onset = System.nanoTime();
    TOGGLES.forEach(t -> lab.block(t.scenario().toArray(String[]::new)));
    boolean found =
        awaitQuietly(
            detour,
            limit,
            d ->
                TOGGLES.stream()
                    .allMatch(
                        t -> {
                          String state = state(d, t.address());
                          boolean routed = routed(lab, t.address());
                          return t.routed()
                              ? state.startsWith("blocked") && routed
                              : state.equals("down") && !routed;
                        }));
    if (found) {
      verdicts.add((System.nanoTime() - onset) / 1e9);
    } else {
      problems.add(
          "blocks switched on were not all found and routed in "
              + limit
              + ": "
              + seen(lab, detour));
    }
    TOGGLES.forEach(t -> lab.unblock(t.scenario().toArray(String[]::new)));
    boolean cleared =
        awaitQuietly(
            detour,
            limit,
            d ->
                lab.detourRoutes("home", TABLE).isEmpty()
                    && TOGGLES.stream().allMatch(t -> "up".equals(state(d, t.address()))));
    if (!cleared) {
      problems.add(
          "blocks switched off were not all cleared in " + limit + ": " + seen(lab, detour));
      // The next cycle starts from a clean lab all the same.
      TOGGLES.forEach(t -> lab.unblock(t.scenario().toArray(String[]::new)));
    }
  }

  /** Whether a route of Detour's covers the address (the planner joins neighbours: a /31). */
  private static boolean routed(Lab lab, String address) {
    IPAddress a = new IPAddressString(address).getAddress();
    return lab.detourRoutes("home", TABLE).keySet().stream()
        .anyMatch(p -> new IPAddressString(p).getAddress().contains(a));
  }

  private static String seen(Lab lab, DetourProcess detour) {
    StringBuilder b = new StringBuilder();
    TOGGLES.forEach(
        t -> b.append(t.address()).append(' ').append(state(detour, t.address())).append("; "));
    return b.append("routes ").append(lab.detourRoutes("home", TABLE).keySet()).toString();
  }

  /** A watch added and removed through the API each cycle: writes go on alongside the reads. */
  private static void churn(DetourProcess detour, int n, List<String> problems) {
    try {
      String target = "203.0.113." + (100 + n % 100);
      JsonNode w =
          detour.post("/api/watches", "{\"target\":\"" + target + "\",\"group\":\"churn\"}");
      DetourProcess.Answer gone =
          detour.call("DELETE", "/api/watches/" + w.get("id").asText(), null);
      if (gone.status() != 204) {
        problems.add("deleting a watch answered " + gone.status() + ": " + gone.body());
      }
    } catch (Exception | AssertionError e) {
      problems.add("a watch could not be added and removed: " + e.getMessage());
    }
  }

  /** The state of the watch of an address of group toggle ("none" when unknown). */
  private static String state(DetourProcess detour, String address) {
    try {
      for (JsonNode row : detour.get("/api/status?group=toggle")) {
        if (row.get("target").asText().equals(address)) {
          return row.get("status").get("state").asText();
        }
      }
    } catch (Exception | AssertionError e) {
      return "unanswered (" + e.getMessage() + ")";
    }
    return "none";
  }

  private static void await(
      DetourProcess detour, Duration limit, Predicate<DetourProcess> done, String what)
      throws IOException {
    if (!awaitQuietly(detour, limit, done)) {
      throw new IOException(what + ": not within " + limit);
    }
  }

  private static boolean awaitQuietly(
      DetourProcess detour, Duration limit, Predicate<DetourProcess> done) {
    long from = System.nanoTime();
    while (System.nanoTime() - from < limit.toNanos()) {
      if (done.test(detour)) {
        return true;
      }
      BenchLab.sleep(1000);
    }
    return false;
  }

  /**
   * One sample: the live heap ({@code jcmd GC.class_histogram}: a full collection and a count of
   * what survived), the resident memory and threads from /proc, the database's size, the rounds.
   */
  private static void sample(
      DetourProcess detour, Path dir, long started, List<Sample> samples, List<String> problems) {
    try {
      long pid = detour.pid();
      // The class histogram collects first and counts what is left in the same pause: the live
      // set, with no allocation between the collection and the count (GC.run, then heap_info,
      // let the load's garbage in between and swung by 100 MB).
      String histogram = Tools.sh("jcmd " + pid + " GC.class_histogram | tail -1");
      Matcher used = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)").matcher(histogram.strip());
      if (!used.find()) {
        throw new IOException("no live heap total in: " + histogram);
      }
      // The heap the collector holds from the system: it swings with the collector's sizing (the
      // default collector on a large machine took 300 MB more and gave it back within minutes), so
      // the resident memory is judged outside it and the heap by what lives in it.
      String heapInfo = Tools.sh("jcmd " + pid + " GC.heap_info");
      Matcher total =
          Pattern.compile("generation\\s+total (\\d+)K|heap\\s+total (\\d+)K").matcher(heapInfo);
      long committedKb = 0;
      while (total.find()) {
        committedKb += Long.parseLong(total.group(1) != null ? total.group(1) : total.group(2));
      }
      if (committedKb == 0) {
        throw new IOException("no committed heap in: " + heapInfo);
      }
      int rounds = 0;
      JsonNode monitor = detour.get("/api/monitor").path("rounds");
      for (JsonNode n : monitor) {
        rounds += n.asInt();
      }
      samples.add(
          new Sample(
              (System.nanoTime() - started) / 60e9,
              Long.parseLong(used.group(1)) / (1024 * 1024),
              committedKb / 1024,
              Proc.statusKb(pid, "VmRSS") / 1024,
              (int) Proc.statusKb(pid, "Threads"),
              Proc.duBytes(dir.resolve("data")) / (1024 * 1024),
              rounds));
    } catch (Exception | AssertionError e) {
      problems.add("a sample failed: " + e.getMessage());
    }
  }

  /**
   * Memory and threads must not grow: after a warm-up (the first quarter, at least a minute), the
   * median live heap and RSS of the second half may exceed the first half's by 10 % and a few MB (a
   * collection's timing), the thread count's maximum by four (pools breathing).
   */
  static void flatness(List<Sample> all, List<String> problems) {
    double end = all.isEmpty() ? 0 : all.get(all.size() - 1).minute();
    double warm = Math.max(1, end / 4);
    List<Sample> settled = all.stream().filter(x -> x.minute() >= warm).toList();
    if (settled.size() < 4) {
      problems.add("too few samples after the warm-up to judge: " + settled.size());
      return;
    }
    List<Sample> first = settled.subList(0, settled.size() / 2);
    List<Sample> second = settled.subList(settled.size() / 2, settled.size());
    grows(
        "live heap",
        median(first, Sample::liveHeapMb),
        median(second, Sample::liveHeapMb),
        8,
        problems);
    grows(
        "RSS outside the heap",
        median(first, Sample::outsideHeapMb),
        median(second, Sample::outsideHeapMb),
        24,
        problems);
    int threadsBefore = first.stream().mapToInt(Sample::threads).max().orElse(0);
    int threadsAfter = second.stream().mapToInt(Sample::threads).max().orElse(0);
    if (threadsAfter > threadsBefore + 4) {
      problems.add("threads grew from at most " + threadsBefore + " to " + threadsAfter);
    }
  }

  private static void grows(
      String what, long before, long after, long slackMb, List<String> problems) {
    if (after > before * 1.10 + slackMb) {
      problems.add(
          what
              + " grew: median "
              + before
              + " MB in the first half, "
              + after
              + " MB in the second");
    }
  }

  private static long median(List<Sample> samples, java.util.function.ToLongFunction<Sample> f) {
    List<Long> values = new ArrayList<>(samples.stream().map(f::applyAsLong).toList());
    Collections.sort(values);
    return values.get(values.size() / 2);
  }

  private static List<String> lines(String text, Predicate<String> keep) {
    return text.lines().filter(keep).toList();
  }

  private static void write(Settings s, Result r) throws IOException {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "# Soak: %,d watches, rounds every %d s, %d minutes%n%n",
            s.watches(),
            s.interval(),
            s.length().toMinutes()));
    b.append("Written by `bench/soak` (see [bench/README.md](../bench/README.md#soak)) on ")
        .append(
            java.time.ZonedDateTime.now()
                .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
        .append(": ")
        .append(Bench.machine())
        .append(".\n\n");
    b.append(r.passed() ? "PASSED\n\n" : "FAILED\n\n");
    r.problems().forEach(p -> b.append("- ").append(p).append('\n'));
    b.append(
        String.format(
            Locale.ROOT,
            "%ncensor cycles: %d; from block to verdict and route: %s s%n",
            r.cycles(),
            r.verdictSeconds().stream().map(v -> String.format(Locale.ROOT, "%.0f", v)).toList()));
    b.append(
        String.format(
            Locale.ROOT,
            "load: %,d requests, %d failed; %d warnings in the log%n%n",
            r.requests(),
            r.requestErrors(),
            r.warnings().size()));
    b.append(
        "| minute | live heap MB | heap committed MB | RSS MB | RSS outside the heap MB | threads"
            + " | database MB | rounds |\n");
    b.append("|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Sample x : r.samples()) {
      b.append(
          String.format(
              Locale.ROOT,
              "| %.1f | %d | %d | %d | %d | %d | %d | %d |%n",
              x.minute(),
              x.liveHeapMb(),
              x.heapCommittedMb(),
              x.rssMb(),
              x.outsideHeapMb(),
              x.threads(),
              x.databaseMb(),
              x.rounds()));
    }
    if (!r.warnings().isEmpty()) {
      b.append("\nwarnings (the first ten):\n");
      r.warnings().stream().limit(10).forEach(w -> b.append("    ").append(w).append('\n'));
    }
    Files.createDirectories(s.report().toAbsolutePath().getParent());
    Files.writeString(s.report(), b.toString(), StandardCharsets.UTF_8);
  }
}
