package dev.detour.bench;

import dev.detour.testing.ShippedJvm;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.ToDoubleFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench/run}: Detour's probes against masscan, fping and blackbox_exporter on the same
 * targets in the same run, plus the planner on the Re:filter list; prints the table and writes
 * {@code docs/benchmarks.md}. Every figure is the median of {@code --runs} runs; a peer's setting
 * (masscan's rate, fping's interval, blackbox's concurrency) is the best of a calibration pass.
 *
 * <p>Usage: {@code Bench [--runs 3] [--scale-runs N] [--latency-runs N] [--only
 * syn,icmp,syn6,icmp6,http,scale,footprint,latency,planner,router] [--out docs/benchmarks.md]
 * [--update] [--quick]}
 */
public final class Bench {

  /** The probe-rate targets: 65,534 addresses from here, answered by {@link BenchLab}'s far end. */
  static final String FIRST_TARGET = "198.18.0.1";

  static final String FIRST_TARGET6 = "2001:db8:1800::1";

  /** The /16's worth of {@link BenchLab#TARGETS6} that masscan scans, as it does 198.18.0.0/16. */
  static final String MASSCAN_TARGETS6 = "2001:db8:1800::/112";

  /** One tool's run: what it did, in how long, at what cost. */
  record Sample(long probes, long answered, double seconds, double cpuSeconds, long peakRssKb) {
    double rate() {
      return answered / seconds;
    }

    double cpuPerThousand() {
      return cpuSeconds / probes * 1000;
    }

    double probesPerCpuSecond() {
      return probes / Math.max(cpuSeconds, 0.001);
    }
  }

  /** A row of the table: a tool at its setting, the median of its runs. */
  record Row(String section, String tool, String setting, List<Sample> samples, boolean detour) {
    double median(ToDoubleFunction<Sample> f) {
      return Bench.median(samples, f);
    }
  }

  interface Runner {
    Sample run(String setting) throws IOException;
  }

  final int runs;
  int scaleRuns;
  int latencyRuns;
  final boolean quick;
  final String classpath = System.getProperty("java.class.path");
  final Path benchDir = Path.of("bench");
  final List<Row> rows = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  final StringBuilder planner = new StringBuilder();
  List<RouterBench.Result> router = List.of();

  Bench(int runs, boolean quick) {
    this.runs = runs;
    this.scaleRuns = runs;
    this.latencyRuns = runs;
    this.quick = quick;
  }

  public static void main(String[] args) throws Exception {
    int runs = 3;
    boolean quick = false;
    Set<String> only =
        new LinkedHashSet<>(
            List.of(
                "syn", "icmp", "syn6", "icmp6", "http", "scale", "latency", "planner", "router"));
    // "footprint" is the scale section's shipped 10k and 100k cases alone; with "scale" its table
    // comes from those rows.
    Path out = Path.of("docs", "benchmarks.md");
    boolean update = false;
    Integer scaleRuns = null;
    Integer latencyRuns = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--runs" -> runs = Integer.parseInt(args[++i]);
        case "--only" -> only = new LinkedHashSet<>(Arrays.asList(args[++i].split(",")));
        case "--out" -> out = Path.of(args[++i]);
        case "--quick" -> quick = true;
        case "--update" -> update = true;
        case "--scale-runs" -> scaleRuns = Integer.parseInt(args[++i]);
        case "--latency-runs" -> latencyRuns = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    Bench bench = new Bench(runs, quick);
    if (scaleRuns != null) {
      bench.scaleRuns = scaleRuns;
    }
    if (latencyRuns != null) {
      bench.latencyRuns = latencyRuns;
    }
    if (only.stream().anyMatch(s -> List.of("syn", "icmp", "syn6", "icmp6", "http").contains(s))) {
      try (BenchLab lab = new BenchLab(bench.classpath, 16)) {
        if (only.contains("syn")) {
          bench.syn(lab);
        }
        if (only.contains("icmp")) {
          bench.icmp();
        }
        if (only.contains("syn6")) {
          bench.syn6(lab);
        }
        if (only.contains("icmp6")) {
          bench.icmp6();
        }
        if (only.contains("http")) {
          bench.http();
        }
      }
    }
    if (only.contains("scale") || only.contains("footprint")) {
      try (BenchLab lab = new BenchLab(bench.classpath, 8)) {
        bench.scale(!only.contains("scale"));
      }
    }
    if (only.contains("latency")) {
      bench.latency();
    }
    if (only.contains("planner")) {
      bench.planner();
    }
    if (only.contains("router")) {
      bench.router = RouterBench.run(bench.classpath);
    }
    String report = bench.report();
    if (update && Files.exists(out)) {
      report = keepOtherSections(Files.readString(out), report);
    }
    System.out.println(report);
    Files.writeString(out, report);
    System.out.println("written to " + out);
  }

  // ------------------------------------------------------------------------------ sections

  void syn(BenchLab lab) throws IOException {
    rawProbes("TCP SYN", "syn", FIRST_TARGET);
    masscan(
        "TCP SYN",
        lab.webPorts(),
        List.of(
            "198.18.0.0/16",
            "--adapter-ip",
            BenchLab.PROBE_ADDRESS,
            "--router-ip",
            BenchLab.FAR_ADDRESS));
    blackbox("TCP SYN", "tcp_connect", 65535, lab.webPorts());
  }

  void icmp() throws IOException {
    rawProbes("ICMP echo", "icmp", FIRST_TARGET);
    fping("ICMP echo", List.of("-g", "198.18.0.1", "198.18.255.254"));
    blackbox("ICMP echo", "icmp", 65535, 1);
  }

  /**
   * The same as {@link #syn} over IPv6: masscan scans a /112 of the targets' /40 (65,536 addresses,
   * as the /16 over IPv4) from the link's IPv6 address; blackbox_exporter is left out.
   */
  void syn6(BenchLab lab) throws IOException {
    rawProbes("TCP SYN, IPv6", "syn", FIRST_TARGET6);
    masscan(
        "TCP SYN, IPv6",
        lab.webPorts(),
        List.of(
            MASSCAN_TARGETS6,
            "--adapter-ip",
            BenchLab.PROBE_ADDRESS6,
            "--router-mac-ipv6",
            BenchLab.farMac()));
  }

  /** The same as {@link #icmp} over IPv6, with {@code fping -6}; blackbox_exporter is left out. */
  void icmp6() throws IOException {
    rawProbes("ICMPv6 echo", "icmp", FIRST_TARGET6);
    // fping's -g takes IPv4 only ("-g works only with IPv4 addresses"): the targets from a file.
    Path targets = Files.createTempFile("fping6", ".txt");
    try {
      InetAddress first = InetAddress.getByName(FIRST_TARGET6);
      StringBuilder list = new StringBuilder();
      for (int i = 0; i < 65534; i++) {
        list.append(ProbeRun.plus(first, i).getHostAddress()).append('\n');
      }
      Files.writeString(targets, list);
      fping("ICMPv6 echo", List.of("-6", "-f", targets.toString()));
    } finally {
      Files.deleteIfExists(targets);
    }
  }

  void http() throws IOException {
    int count = quick ? 1000 : 4000;
    detour("HTTP GET", "http", FIRST_TARGET, count, quick ? List.of("64") : List.of("64", "256"));
    blackbox("HTTP GET", "http_2xx", 65535, 1);
  }

  /**
   * The whole ProbeRun process's CPU seconds of the latest run per kind and first target: its JVM's
   * start, the warm-up pass and the measured one.
   */
  private final Map<String, Double> coldCpu = new java.util.LinkedHashMap<>();

  final List<List<ScaleBench.Result>> scale = new ArrayList<>();

  /** The packaged service, which the scale and latency sections run as a user would. */
  static String jar() throws IOException {
    String jar = Path.of("target", "quarkus-app", "quarkus-run.jar").toAbsolutePath().toString();
    if (!Files.exists(Path.of(jar))) {
      throw new IOException(jar + " is missing: bench/run packages it (mvn package)");
    }
    System.setProperty("detour.app.jar", jar);
    return jar;
  }

  /**
   * The watch-list scale cases; {@code footprintOnly}: only the shipped service at 10,000 and
   * 100,000 addresses, which the footprint table reads (the whole scale section has them too).
   */
  void scale(boolean footprintOnly) throws Exception {
    jar();
    Path work = Files.createTempDirectory("detour-bench");
    List<ScaleBench.Case> cases =
        footprintOnly ? ScaleBench.footprintCases(quick) : ScaleBench.cases(quick);
    for (ScaleBench.Case c : cases) {
      List<ScaleBench.Result> results = new ArrayList<>();
      for (int i = 0; i < scaleRuns; i++) {
        try {
          results.add(ScaleBench.run(c, work));
        } catch (Exception | AssertionError e) {
          notes.add("scale, " + c.name() + ": a run failed: " + e.getMessage());
        }
      }
      if (!results.isEmpty()) {
        scale.add(results);
      }
    }
  }

  final List<List<LatencyBench.Result>> latency = new ArrayList<>();

  void latency() throws Exception {
    jar();
    for (String backend : List.of("linux", "mikrotik")) {
      List<List<LatencyBench.Result>> backendRuns = new ArrayList<>();
      for (int i = 0; i < latencyRuns; i++) {
        try {
          backendRuns.add(LatencyBench.run(backend));
        } catch (Exception | AssertionError e) {
          notes.add("latency, " + backend + ": a run failed: " + e.getMessage());
        }
      }
      if (backendRuns.isEmpty()) {
        continue;
      }
      // Per block kind (one target, the /16), the runs of it.
      for (int k = 0; k < backendRuns.get(0).size(); k++) {
        int kind = k;
        latency.add(backendRuns.stream().map(r -> r.get(kind)).toList());
      }
    }
  }

  void planner() throws Exception {
    Path data = Path.of("src", "test", "resources", "data");
    planner.append(dev.detour.route.plan.PlannerBench.report(data));
  }

  // ------------------------------------------------------------------------------ tools

  /** Detour's probes at the best of {@code concurrencies} (the monitor's default is 64). */
  /**
   * Detour's raw probes (SYN, echo) at their best concurrency: 65,534 targets, the same as the
   * peers (a SYN target counts two probes, one per shape).
   */
  private void rawProbes(String section, String kind, String first) throws IOException {
    detour(
        section,
        kind,
        first,
        quick ? 4000 : 65534,
        quick ? List.of("1024", "8192") : List.of("1024", "4096", "16384"));
  }

  private void detour(
      String section, String kind, String first, int count, List<String> concurrencies)
      throws IOException {
    String best =
        calibrate(
            concurrencies, c -> detour(kind, first, Math.max(500, count / 4), Integer.parseInt(c)));
    measure(
        section,
        "Detour",
        best + " at once",
        true,
        c -> detour(kind, first, count, Integer.parseInt(best)));
  }

  private Sample detour(String kind, String first, int count, int concurrency) throws IOException {
    // The JVM options the service ships with, and two passes over the targets: the first warms the
    // JVM (classes, compiled code) and the remembered routes as a running service's earlier rounds
    // have, the second is measured — its CPU as the process itself counts it (every thread, user
    // and kernel). The whole process's CPU, start and warm-up included, goes to the notes.
    List<String> command = new ArrayList<>(List.of("java", "-Xmx512m"));
    command.addAll(List.of(ShippedJvm.options().split(" ")));
    command.addAll(
        List.of(
            "-cp",
            classpath,
            ProbeRun.class.getName(),
            kind,
            first,
            String.valueOf(count),
            String.valueOf(BenchLab.FIRST_PORT),
            String.valueOf(concurrency),
            "1000000",
            "2"));
    Tools.Run run = Tools.timed(BenchLab.PROBE, 1800, command);
    String line = run.output().strip();
    String[] f = line.split(" ");
    long probes = Long.parseLong(f[0]);
    long answered = Long.parseLong(f[1]);
    if (answered < probes * 9 / 10) {
      notes.add(
          "Detour "
              + kind
              + " from "
              + first
              + ": only "
              + answered
              + " of "
              + probes
              + " answered: "
              + line);
    }
    double warm = run.cpuSeconds();
    for (String field : f) {
      if (field.startsWith("cpu=")) {
        warm = Double.parseDouble(field.substring(4));
      }
    }
    coldCpu.put(kind + " " + first, run.cpuSeconds());
    return new Sample(probes, answered, Double.parseDouble(f[2]), warm, run.peakRssKb());
  }

  /**
   * masscan at its best {@code --rate} on {@code ports} of each of 65,536 addresses; {@code where}
   * is the range and the addresses it sends from and through.
   */
  private void masscan(String section, int ports, List<String> where) throws IOException {
    long targets = 65536L * ports;
    String best =
        calibrate(
            quick
                ? List.of("50000", "200000")
                : List.of("25000", "50000", "100000", "250000", "500000"),
            rate -> masscanRun(rate, ports, targets, where));
    measure(
        section,
        "masscan",
        "--rate " + best,
        false,
        rate -> masscanRun(best, ports, targets, where));
  }

  private Sample masscanRun(String rate, int ports, long targets, List<String> where)
      throws IOException {
    Path list = Files.createTempFile("masscan", ".txt");
    try {
      List<String> command = new ArrayList<>(List.of("masscan"));
      command.addAll(where);
      command.addAll(
          List.of(
              "-p" + BenchLab.FIRST_PORT + "-" + (BenchLab.FIRST_PORT + ports - 1),
              "--rate",
              rate,
              "--wait",
              "1",
              "--adapter",
              BenchLab.DEVICE,
              "-oL",
              list.toString()));
      Tools.Run run =
          Tools.timedUntil(
              BenchLab.PROBE,
              600,
              command,
              // Done and waited: masscan sometimes hangs from here on (its issue #144).
              status ->
                  status.contains("100.00% done") && status.matches(".*waiting (0|-\\d+)-secs.*"));
      long open = Files.readAllLines(list).stream().filter(l -> l.startsWith("open ")).count();
      return new Sample(targets, open, run.seconds(), run.cpuSeconds(), run.peakRssKb());
    } finally {
      Files.deleteIfExists(list);
    }
  }

  /** fping at its best interval on 65,534 targets, which {@code targets} names. */
  private void fping(String section, List<String> targets) throws IOException {
    String best =
        calibrate(
            quick ? List.of("1", "0.1") : List.of("1", "0.1", "0.01"), i -> fpingRun(i, targets));
    measure(section, "fping", "-i " + best, false, i -> fpingRun(best, targets));
  }

  private Sample fpingRun(String interval, List<String> targets) throws IOException {
    Tools.Run run =
        Tools.timed(
            BenchLab.PROBE,
            600,
            List.of(
                "sh",
                "-c",
                "fping "
                    + String.join(" ", targets)
                    + " -a -q -r 0 -t 1000 -i "
                    + interval
                    + " | wc -l; true"));
    long alive = Long.parseLong(run.output().strip());
    return new Sample(65534, alive, run.seconds(), run.cpuSeconds(), run.peakRssKb());
  }

  /** blackbox_exporter driven by wrk at the best concurrency of a calibration pass. */
  private void blackbox(String section, String module, int count, int ports) throws IOException {
    int seconds = quick ? 3 : 8;
    String best =
        calibrate(
            quick ? List.of("16", "128") : List.of("16", "64", "256"),
            c -> blackboxRun(module, count, ports, c, Math.max(2, seconds / 2)));
    measure(
        section,
        "blackbox_exporter " + module,
        best + " at once",
        false,
        c -> blackboxRun(module, count, ports, best, seconds));
  }

  private Sample blackboxRun(String module, int count, int ports, String connections, int seconds)
      throws IOException {
    Tools.Daemon exporter =
        new Tools.Daemon(
            BenchLab.PROBE,
            List.of(
                "prometheus-blackbox-exporter",
                "--config.file=" + benchDir.resolve("blackbox.yml").toAbsolutePath(),
                "--web.listen-address=127.0.0.1:9115",
                "--log.level=warn"));
    try {
      waitForPort("127.0.0.1", 9115, exporter);
      Tools.Run wrk =
          Tools.timed(
              BenchLab.PROBE,
              seconds + 60L,
              List.of(
                  "wrk",
                  "-t",
                  "2",
                  "-c",
                  connections,
                  "-d",
                  seconds + "s",
                  "--timeout",
                  "5s",
                  "-s",
                  benchDir.resolve("blackbox.lua").toAbsolutePath().toString(),
                  "http://127.0.0.1:9115",
                  "--",
                  module,
                  String.valueOf(count),
                  String.valueOf(BenchLab.FIRST_PORT),
                  String.valueOf(ports)));
      Tools.Run cost = exporter.stop();
      for (String line : wrk.output().split("\n")) {
        if (line.startsWith("BENCH_WRK")) {
          String[] f = line.split(" ");
          return new Sample(
              Long.parseLong(f[1]),
              Long.parseLong(f[2]),
              Double.parseDouble(f[3]),
              cost.cpuSeconds(),
              cost.peakRssKb());
        }
      }
      throw new IOException("wrk printed no result:\n" + wrk.output());
    } finally {
      if (exporter.alive()) {
        exporter.stop();
      }
    }
  }

  private static void waitForPort(String host, int port, Tools.Daemon daemon) throws IOException {
    for (int attempt = 0; attempt < 100; attempt++) {
      try {
        Tools.sh(
            "ip netns exec "
                + BenchLab.PROBE
                + " curl -sf -o /dev/null http://"
                + host
                + ":"
                + port
                + "/");
        return;
      } catch (IOException e) {
        if (!daemon.alive()) {
          throw new IOException("it exited:\n" + daemon.log());
        }
        BenchLab.sleep(100);
      }
    }
    throw new IOException("nothing listens on " + host + ":" + port + " after 10 s");
  }

  // ------------------------------------------------------------------------------ runs

  private String calibrate(List<String> settings, Runner runner) throws IOException {
    String best = null;
    double bestRate = -1;
    for (String setting : settings) {
      Sample s = runner.run(setting);
      System.out.printf(Locale.ROOT, "  calibrating %s: %.0f answered/s%n", setting, s.rate());
      if (s.rate() > bestRate) {
        bestRate = s.rate();
        best = setting;
      }
    }
    return best;
  }

  private void measure(String section, String tool, String setting, boolean detour, Runner runner)
      throws IOException {
    List<Sample> samples = new ArrayList<>();
    for (int i = 0; i < runs; i++) {
      Sample s = runner.run(setting);
      System.out.printf(
          Locale.ROOT,
          "%s / %s: %d probes, %d answered in %.2f s, %.2f CPU s, %d MB%n",
          section,
          tool,
          s.probes(),
          s.answered(),
          s.seconds(),
          s.cpuSeconds(),
          s.peakRssKb() / 1024);
      samples.add(s);
    }
    rows.add(new Row(section, tool, setting, samples, detour));
  }

  // ------------------------------------------------------------------------------ report

  /**
   * Issue 26's home-box budget against the shipped service at 10,000 and 100,000 addresses (the
   * scale rows of this run) and the probes' per-CPU rates (the SYN and echo rows, when measured in
   * the same run).
   */
  private void footprint(StringBuilder md) {
    List<ScaleBench.Result> small = shipped(10_000);
    List<ScaleBench.Result> large = shipped(100_000);
    if (small == null && large == null) {
      return;
    }
    md.append("\n## Footprint\n\n");
    md.append(
        "The shipped service (the README's command: `MALLOC_ARENA_MAX=2 "
            + ShippedJvm.options()
            + "` and the class-data archive the package phase made, embedded database, nothing set"
            + " by hand) watching 10,000 and 100,000 addresses"
            + " with SYN probes every "
            + ScaleBench.INTERVAL
            + " s, against the budget of a home box (issue 26); the rows come from the watch-list"
            + " scale section's runs. Start phases are the service's own (StartPhases, debug level) at"
            + " the restart with the list in place.\n\n");
    md.append("| Figure | 10,000 | 100,000 | Bar |\n|---|---:|---:|---:|\n");
    footprintRow(md, "RSS MB", small, large, r -> r.rssMb(), "%.0f", "≤ 384 (100k)");
    footprintRow(
        md, "CPU cores", small, large, ScaleBench.Result::cpuCores, "%.2f", "≤ 0.3 (100k)");
    footprintRow(
        md,
        "Start → listening s (empty)",
        small,
        large,
        ScaleBench.Result::startupSeconds,
        "%.1f",
        "≤ 2");
    footprintRow(
        md,
        "Restart → first probes s",
        small,
        large,
        ScaleBench.Result::restartToProbingSeconds,
        "%.1f",
        "≤ 3 (100k)");
    footprintRow(md, "API p99 ms", small, large, r -> r.api().p99(), "%.0f", "≤ 150 (100k)");
    footprintRow(
        md,
        "API p99 ms, its first 10 s of load",
        small,
        large,
        r -> r.apiCold() == null ? Double.NaN : r.apiCold().p99(),
        "%.0f",
        "");
    footprintRow(md, "API errors", small, large, r -> r.api().errors(), "%.0f", "0");
    md.append(
        "| Start phases at the restart | "
            + (small == null ? "" : small.get(0).phases())
            + " | "
            + (large == null ? "" : large.get(0).phases())
            + " | |\n");
    List<String> rates = new ArrayList<>();
    for (String[] probe :
        List.of(new String[] {"TCP SYN", "≥ 40,000"}, new String[] {"ICMP echo", "≥ 20,000"})) {
      rows.stream()
          .filter(r -> r.detour() && r.section().equals(probe[0]))
          .findFirst()
          .ifPresent(
              row ->
                  rates.add(
                      String.format(
                          Locale.ROOT,
                          "%s %,.0f (bar %s)",
                          probe[0],
                          row.median(Sample::probesPerCpuSecond),
                          probe[1])));
    }
    md.append(
        rates.isEmpty()
            ? "\nProbes per CPU second were not measured in this run (`--only"
                + " syn,icmp,footprint`).\n"
            : "\nProbes per CPU second (Probe rates and cost, the same run): "
                + String.join(", ", rates)
                + ".\n");
  }

  private List<ScaleBench.Result> shipped(long addresses) {
    return scale.stream()
        .filter(
            rs ->
                rs.get(0).addresses() == addresses
                    && rs.get(0)
                        .name()
                        .equals(String.format(Locale.ROOT, "%,d addresses", addresses)))
        .findFirst()
        .orElse(null);
  }

  private void footprintRow(
      StringBuilder md,
      String figure,
      List<ScaleBench.Result> small,
      List<ScaleBench.Result> large,
      ToDoubleFunction<ScaleBench.Result> value,
      String format,
      String bar) {
    md.append("| ").append(figure);
    for (List<ScaleBench.Result> results : java.util.Arrays.asList(small, large)) {
      md.append(" | ");
      if (results != null) {
        md.append(String.format(Locale.ROOT, format, median(results, value)));
      }
    }
    md.append(" | ").append(bar).append(" |\n");
  }

  String report() throws IOException {
    StringBuilder md = new StringBuilder();
    md.append("# Benchmarks\n\n");
    md.append("Written by `bench/run` (see [bench/README.md](../bench/README.md)) on ")
        .append(ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")))
        .append(": ")
        .append(machine())
        .append(". Probe rates are the median of ")
        .append(runs)
        .append(" runs")
        .append(quick ? " (quick mode: smaller runs)" : "")
        .append(". Peers and Detour probe the same targets in the same run: 198.18.0.0/16")
        .append(
            rows.stream().anyMatch(r -> r.section().contains("IPv6"))
                ? " (over IPv6: " + MASSCAN_TARGETS6 + ")"
                : "")
        .append(",")
        .append(" answered by one network namespace through a local route, over a veth pair.\n\n");
    if (!rows.isEmpty()) {
      md.append("## Probe rates and cost\n\n");
      md.append(
          "| Probe | Tool | Setting | Probes per run | Answered/s | Detour ÷ peer"
              + " | CPU s per 1,000 | Probes per CPU s | Detour ÷ peer | Peak RSS MB |\n");
      md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (Row row : rows) {
        Row detour =
            rows.stream()
                .filter(r -> r.detour() && r.section().equals(row.section()))
                .findFirst()
                .orElse(null);
        double rate = row.median(Sample::rate);
        double perCpu = row.median(Sample::probesPerCpuSecond);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %s | %,d | %,.0f | %s | %.3f | %,.0f | %s | %,d |\n",
                row.section(),
                row.detour() ? "**Detour**" : row.tool(),
                row.setting(),
                (long) row.median(Sample::probes),
                rate,
                ratio(detour, row, detour == null ? 0 : detour.median(Sample::rate), rate),
                row.median(Sample::cpuPerThousand),
                perCpu,
                ratio(
                    detour,
                    row,
                    detour == null ? 0 : detour.median(Sample::probesPerCpuSecond),
                    perCpu),
                (long) row.median(s -> s.peakRssKb() / 1024.0)));
      }
      md.append(
          "\nDetour's TCP SYN probe sends both SYN shapes (44 and 60 bytes; 64 and 80 over IPv6)"
              + " to each target, so it counts two probes per target; masscan and blackbox count"
              + " one. Detour's probes run in a JVM with the service's shipped options, over the"
              + " targets twice: the first pass warms it as a running service's earlier rounds"
              + " have (classes loaded, hot code compiled, routes remembered), and the CPU shown"
              + " is the second pass's as the process counts it (every thread, user and kernel);"
              + " its RSS is the whole process's peak. The whole process, its start and the warm-up"
              + " pass included, took "
              + coldCpu.entrySet().stream()
                  .map(e -> String.format(Locale.ROOT, "%.2f CPU s (%s)", e.getValue(), e.getKey()))
                  .collect(java.util.stream.Collectors.joining(", "))
              + " in the latest runs. blackbox_exporter's CPU is its own process's while wrk"
              + " drives it (wrk's are not counted, as Prometheus's would not be).");
      if (rows.stream().anyMatch(r -> r.section().contains("IPv6"))) {
        md.append(
            " Over IPv6, fping -6 reads the targets from a file (its -g takes IPv4 only) and"
                + " masscan is given the far end's MAC (it finds an IPv6 router by its"
                + " advertisement, and nothing advertises one here); blackbox_exporter is not"
                + " measured.");
      }
      md.append('\n');
    }
    footprint(md);
    if (!scale.isEmpty()) {
      md.append("\n## Watch-list scale\n\n");
      md.append(
          "The packaged service started as the README's command starts it — the shipped JVM"
              + " options `MALLOC_ARENA_MAX=2 "
              + ShippedJvm.options()
              + "` (docs/deployment.md), embedded database — and, where the row says so, with"
              + " the JVM's own defaults (plain `java -jar`); SYN probes every "
              + ScaleBench.INTERVAL
              + " s, measured over two rounds after the first; "
              + runsOf(scaleRuns)
              + ". Restart → probing: the service stopped and started again with the list in"
              + " place, from the process's start to its first probes.\n\n");
      md.append(
          "| Watched | Address-ports | Longest round s | Mean round s | Overruns | CPU cores"
              + " | RSS MB | Peak RSS MB | Database MB | /q/metrics KB | Start s | Import s"
              + " | Restart → probing s |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
      for (List<ScaleBench.Result> results : scale) {
        ScaleBench.Result first = results.get(0);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d | %.1f | %.1f | %d | %.2f | %d | %d | %d | %,d | %.1f | %.1f | %s |\n",
                first.name(),
                first.addresses(),
                median(results, ScaleBench.Result::roundSecondsMax),
                median(results, ScaleBench.Result::roundSecondsMean),
                (long) median(results, r -> r.overruns()),
                median(results, ScaleBench.Result::cpuCores),
                (long) median(results, r -> r.rssMb()),
                (long) median(results, r -> r.peakRssMb()),
                (long) median(results, r -> r.databaseMb()),
                (long) median(results, r -> r.metricsKb()),
                median(results, ScaleBench.Result::startupSeconds),
                median(results, ScaleBench.Result::importSeconds),
                results.stream().anyMatch(r -> r.restartToProbingSeconds() < 0)
                    ? "> 120"
                    : String.format(
                        Locale.ROOT,
                        "%.1f",
                        median(results, ScaleBench.Result::restartToProbingSeconds))));
      }
    }
    if (!scale.isEmpty()) {
      md.append("\n## UI and API under load\n\n");
      md.append(
          "wrk from a second process (2 threads, 16 connections, 10 s) while the rounds above go"
              + " on: `GET /api/watches?size=50` with an API token (after a first 10 s of the same"
              + " load, which the footprint shows apart), and the overview page with a"
              + " session cookie. Latency in ms; errors are answers other than 2xx/3xx, requests"
              + " unanswered in wrk's 2 s and socket errors.\n\n");
      md.append(
          "| Watched | API req/s | API p50 | API p99 | Overview req/s | Overview p50"
              + " | Overview p99 | Errors |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
      for (List<ScaleBench.Result> results : scale) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,.0f | %.1f | %.1f | %,.0f | %.1f | %.1f | %d |\n",
                results.get(0).name(),
                median(results, r -> r.api().perSecond()),
                median(results, r -> r.api().p50()),
                median(results, r -> r.api().p99()),
                median(results, r -> r.page().perSecond()),
                median(results, r -> r.page().p50()),
                median(results, r -> r.page().p99()),
                (long) median(results, r -> r.api().errors() + r.page().errors())));
      }
    }
    if (!latency.isEmpty()) {
      md.append("\n## Detection latency\n\n");
      md.append(
          "In the censorship lab ([docs/lab.md](lab.md)): the packaged service on the lab's home,"
              + " rounds every "
              + LatencyBench.INTERVAL
              + " s, two bad rounds to block (the second a recheck 1 s after the first), ICMP and"
              + " SYN probes at 2,000 packets/s, routes synced on change. The throttle and the"
              + " freeze are on host watches with the HTTP, TLS and transfer probes at their"
              + " defaults (a transfer every 10 rounds, every round once the HTTP probe suspects"
              + " one). Seconds from the moment the lab switches the censor on (withdrawn:"
              + " off); "
              + runsOf(latencyRuns)
              + ".\n\n");
      md.append("| Router | Block | Verdict s | Route applied s | Routes | Withdrawn s |\n");
      md.append("|---|---|---:|---:|---:|---:|\n");
      for (List<LatencyBench.Result> results : latency) {
        LatencyBench.Result first = results.get(0);
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %.1f | %.1f | %d | %.1f |\n",
                first.router().equals("linux")
                    ? "Linux (home's table)"
                    : "MikroTik emulator (REST)",
                first.block(),
                median(results, LatencyBench.Result::verdict),
                median(results, LatencyBench.Result::routed),
                (long) median(results, r -> r.routes()),
                median(results, LatencyBench.Result::withdrawn)));
      }
    }
    if (!notes.isEmpty()) {
      md.append("\nNoticed during the run:\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    if (planner.length() > 0) {
      md.append('\n').append(planner);
    }
    if (!router.isEmpty()) {
      md.append("\n## Router sync among a full BGP table\n\n");
      md.append(
          "One sync of Detour's routes on a router that also carries "
              + String.format(Locale.ROOT, "%,d", RouterBench.FOREIGN)
              + " dynamic (BGP) IPv4 routes: it lists, finds 1% of its routes no longer wanted and"
              + " as many new ones, and applies them unpaced. Detour's side runs alone in a JVM"
              + " with `"
              + RouterBench.HEAP
              + "` (SerialGC); peak RSS is that JVM's, read by `/usr/bin/time`. The MikroTik is"
              + " the emulator in the bench's JVM (its own time is in the figures); Linux is a"
              + " namespace's kernel, the BGP table in main and Detour's routes in table 1001."
              + " One run.\n\n");
      md.append(
          "| Router | Detour's routes | Foreign routes | List s | Sync s | Changes | Peak RSS MB |\n");
      md.append("|---|---:|---:|---:|---:|---:|---:|\n");
      for (RouterBench.Result r : router) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %,d | %,d | %.2f | %.2f | %d | %d |\n",
                r.router(),
                r.owned(),
                r.foreign(),
                r.listSeconds(),
                r.syncSeconds(),
                r.changes(),
                r.peakRssKb() / 1024));
      }
    }
    return md.toString();
  }

  /**
   * {@code --update}: the sections ({@code ## …}) of the previous report that this run did not
   * measure are kept, in their place, so one section can be measured again alone.
   */
  static String keepOtherSections(String previous, String now) {
    java.util.Map<String, String> fresh = sections(now);
    java.util.Map<String, String> old = sections(previous);
    List<String> parts = new ArrayList<>();
    String freshHead = fresh.remove("");
    String oldHead = old.get("");
    // The heading keeps the date of the full run, and says what was measured again since: one
    // line per update, an older line dropped once all its sections are measured again.
    if (oldHead == null) {
      parts.add(freshHead);
    } else {
      String[] pieces = oldHead.strip().split("\n\nRe-measured on ");
      StringBuilder head = new StringBuilder(pieces[0]);
      java.util.Set<String> again = new java.util.HashSet<>();
      fresh.keySet().forEach(t -> again.add(t.substring(3)));
      for (int i = 1; i < pieces.length; i++) {
        int colon = pieces[i].indexOf("): ");
        String listed = colon < 0 ? "" : pieces[i].substring(colon + 3).replaceAll("\\.$", "");
        if (!again.containsAll(List.of(listed.split(", ")))) {
          head.append("\n\nRe-measured on ").append(pieces[i]);
        }
      }
      Matcher median =
          Pattern.compile("Probe rates are the median of \\d+ runs?").matcher(freshHead);
      head.append("\n\nRe-measured on ")
          .append(
              java.time.ZonedDateTime.now(java.time.ZoneOffset.UTC)
                  .format(java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")))
          .append(" (`--update`")
          .append(
              again.contains("Probe rates and cost") && median.find()
                  ? "; " + median.group().replace("Probe rates are", "probe rates")
                  : "")
          .append("): ")
          .append(String.join(", ", fresh.keySet().stream().map(t -> t.substring(3)).toList()))
          .append(".");
      parts.add(head.toString());
    }
    for (var e : old.entrySet()) {
      if (!e.getKey().isEmpty()) {
        String replaced = fresh.remove(e.getKey());
        parts.add(replaced != null ? replaced : e.getValue());
      }
    }
    parts.addAll(fresh.values());
    // One blank line between sections, whichever run wrote each.
    return parts.stream().map(String::strip).collect(java.util.stream.Collectors.joining("\n\n"))
        + "\n";
  }

  private static java.util.Map<String, String> sections(String text) {
    java.util.Map<String, String> all = new java.util.LinkedHashMap<>();
    String[] parts = text.split("(?m)^(?=## )");
    for (String part : parts) {
      String title = part.startsWith("## ") ? part.substring(0, part.indexOf('\n')) : "";
      // "Noticed during the run" belongs to the section before it.
      all.merge(title, part, String::concat);
    }
    return all;
  }

  private static String runsOf(int n) {
    return n == 1 ? "one run" : "the median of " + n + " runs";
  }

  static <T> double median(List<T> values, ToDoubleFunction<T> f) {
    double[] v = values.stream().mapToDouble(f).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  private static String ratio(Row detour, Row row, double detourValue, double value) {
    if (detour == null || row.detour() || value <= 0) {
      return "";
    }
    return String.format(Locale.ROOT, "%.2f×", detourValue / value);
  }

  static String machine() throws IOException {
    String cpu =
        Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
            .filter(l -> l.startsWith("model name"))
            .findFirst()
            .map(l -> l.substring(l.indexOf(':') + 1).strip())
            .orElse("unknown CPU");
    return Runtime.getRuntime().availableProcessors()
        + " × "
        + cpu
        + ", Linux "
        + System.getProperty("os.version")
        + ", Java "
        + System.getProperty("java.version");
  }
}
