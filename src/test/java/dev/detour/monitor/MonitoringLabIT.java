package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The monitoring loop end to end, as users run it: the packaged service in the lab's home, probing
 * every scenario of the censor at once, in three control modes side by side — through the tunnel,
 * through a control agent (the same jar in the vps), and with no control at all — while the test
 * switches the censor's scenarios on and off and reads verdicts, incidents and timings from the
 * API. The figures (seconds and rounds to each verdict) go to target/monitoring-lab.txt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitoringLabIT {

  @RegisterExtension static final Lab lab = Lab.perClass();

  static final int INTERVAL = 5;
  static final int BLOCK_AFTER = 3;
  static final int CLEAR_AFTER = 2;
  static final String TOKEN = "lab-agent-token-" + Long.toHexString(System.nanoTime());
  static final String MASS = "198.18.128.0/17";
  static final String MASS6 = "2001:db8:1842::/48";

  /**
   * The censor's doing per watch: s1 … s20.lab.test name 198.18.0.1 … .20 in the lab's DNS, w16 is
   * s16's twin on the same address, small.lab.test (an 8 KB page) is 198.18.0.200.
   */
  static final Map<String, List<String[]>> SCENARIOS = new LinkedHashMap<>();

  static void scenario(String watch, String[]... blocks) {
    SCENARIOS.put(watch, List.of(blocks));
  }

  static {
    scenario("s1.lab.test", new String[] {"rst-seed", "198.18.0.1", "80"});
    scenario("s2.lab.test", new String[] {"rst", "198.18.0.2", "80"});
    scenario("s3.lab.test", new String[] {"blackhole", "198.18.0.3", "80"});
    scenario("s4.lab.test", new String[] {"dpi-syn", "198.18.0.4", "80"});
    scenario("s5.lab.test", new String[] {"blockpage", "198.18.0.5"});
    scenario("s6.lab.test", new String[] {"http-tamper", "198.18.0.6", "s6.lab.test"});
    scenario("s7.lab.test", new String[] {"sni", "198.18.0.7", "s7.lab.test"});
    scenario("s8.lab.test", new String[] {"dns-spoof", "s8.lab.test"});
    scenario("s9.lab.test", new String[] {"icmp-filter", "198.18.0.9"});
    scenario("s10.lab.test", new String[] {"down", "198.18.0.10"});
    scenario("s11.lab.test", new String[] {"closed", "198.18.0.11", "80"});
    scenario("s12.lab.test");
    // Today's censor: a crawl at 128 kbit/s; a freeze after 16 KB over HTTPS, and over HTTP for a
    // host that serves only 80; a freeze keyed on the name, its twin w16 spared.
    scenario("s13.lab.test", new String[] {"throttle", "198.18.0.13", "128kbit"});
    scenario("s14.lab.test", new String[] {"freeze", "198.18.0.14", "16384"});
    scenario(
        "s15.lab.test",
        new String[] {"closed", "198.18.0.15", "443"},
        new String[] {"freeze", "198.18.0.15", "16384"});
    scenario("s16.lab.test", new String[] {"freeze", "198.18.0.16", "16384", "s16.lab.test"});
    scenario("w16.lab.test");
    // The seed's reset on 80 while 443 is closed everywhere: the closed port cancels nothing.
    scenario(
        "s17.lab.test",
        new String[] {"rst-seed", "198.18.0.17", "80"},
        new String[] {"closed", "198.18.0.17", "443"});
    // The resolver answers with a public address no list knows (a parking page), and a block
    // page no list knows: told apart from the site by comparison with the control's.
    scenario("s18.lab.test", new String[] {"dns-spoof", "s18.lab.test", "203.0.113.15"});
    scenario("s19.lab.test", new String[] {"divert", "198.18.0.19"});
    // No false block: a site slow from everywhere, a page smaller than the freeze.
    scenario("s20.lab.test", new String[] {"slow", "198.18.0.20", "128kbit"});
    scenario("small.lab.test", new String[] {"freeze", "198.18.0.200", "16384"});
    // Today's censor at the handshake: QUIC dropped (TCP fine), ECH dropped, a browser's
    // fingerprint frozen while Java's hello passes. No false block: a host without QUIC, a host
    // that refuses ECH itself.
    scenario("s21.lab.test", new String[] {"quic-block", "198.18.0.21"});
    scenario("s22.lab.test", new String[] {"ech", "198.18.0.22"});
    scenario("s23.lab.test", new String[] {"fingerprint", "198.18.0.23"});
    scenario("s24.lab.test", new String[] {"no-quic", "198.18.0.24"});
    scenario("s25.lab.test", new String[] {"ech-reject", "198.18.0.25"});
    // IPv6: a name with only an AAAA record reset the seed's way over IPv6; a dual-stack name whose
    // IPv4 address is reset while its IPv6 one works (the censor's boxes lag on one family).
    scenario("s26.v6.lab.test", new String[] {"rst-seed", "2001:db8:1800::26", "80"});
    scenario("s27.ds.lab.test", new String[] {"rst-seed", "198.18.0.27", "80"});
  }

  static void blockAll(String watch) {
    SCENARIOS.get(watch).forEach(lab::block);
  }

  static void unblockAll(String watch) {
    SCENARIOS.get(watch).forEach(lab::unblock);
  }

  /** What each watch must become with a control vantage (tunnel or agent). */
  static final Map<String, String> WITH_CONTROL =
      Map.ofEntries(
          Map.entry("s1.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s2.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s3.lab.test", "blocked/tcp_blackhole"),
          Map.entry("s4.lab.test", "blocked/dpi_syn_signature"),
          Map.entry("s5.lab.test", "blocked/http_blockpage"),
          Map.entry("s6.lab.test", "blocked/http_tampered"),
          Map.entry("s7.lab.test", "blocked/tls_sni_blocked"),
          Map.entry("s8.lab.test", "blocked/dns_tampered"),
          Map.entry("s9.lab.test", "blocked/icmp_only_filtered"),
          Map.entry("s10.lab.test", "down"),
          Map.entry("s11.lab.test", "up"),
          Map.entry("s12.lab.test", "up"),
          Map.entry("s13.lab.test", "blocked/throttled"),
          Map.entry("s14.lab.test", "blocked/transfer_stalled"),
          Map.entry("s15.lab.test", "blocked/transfer_stalled"),
          Map.entry("s16.lab.test", "blocked/transfer_stalled"),
          Map.entry("w16.lab.test", "up"),
          Map.entry("s17.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s18.lab.test", "blocked/dns_tampered"),
          Map.entry("s19.lab.test", "blocked/http_blockpage"),
          Map.entry("s20.lab.test", "up"),
          Map.entry("s21.lab.test", "blocked/quic_blocked"),
          Map.entry("s22.lab.test", "blocked/ech_blocked"),
          Map.entry("s23.lab.test", "blocked/tls_fingerprint_blocked"),
          Map.entry("s24.lab.test", "up"),
          Map.entry("s25.lab.test", "up"),
          Map.entry("s26.v6.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s27.ds.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("small.lab.test", "up"));

  /**
   * Without a control only signatures count: a port that merely times out (s3; its other port
   * answers) is up, a silent prefix is down, a filtered ping is nothing; a crawl, a freeze, a
   * public address from the resolver or a page no list knows has nothing to be compared with, and
   * is up; so is a silent QUIC or a hello of one shape that goes unanswered (the site's own doing,
   * for all this vantage can tell).
   */
  static final Map<String, String> WITHOUT_CONTROL =
      Map.ofEntries(
          Map.entry("s1.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s2.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s3.lab.test", "up"),
          Map.entry("s4.lab.test", "blocked/dpi_syn_signature"),
          Map.entry("s5.lab.test", "blocked/http_blockpage"),
          Map.entry("s6.lab.test", "blocked/http_tampered"),
          Map.entry("s7.lab.test", "blocked/tls_sni_blocked"),
          Map.entry("s8.lab.test", "blocked/dns_tampered"),
          Map.entry("s9.lab.test", "up"),
          Map.entry("s10.lab.test", "down"),
          Map.entry("s11.lab.test", "up"),
          Map.entry("s12.lab.test", "up"),
          Map.entry("s13.lab.test", "up"),
          Map.entry("s14.lab.test", "up"),
          Map.entry("s15.lab.test", "up"),
          Map.entry("s16.lab.test", "up"),
          Map.entry("w16.lab.test", "up"),
          Map.entry("s17.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s18.lab.test", "up"),
          Map.entry("s19.lab.test", "up"),
          Map.entry("s20.lab.test", "up"),
          Map.entry("s21.lab.test", "up"),
          Map.entry("s22.lab.test", "up"),
          Map.entry("s23.lab.test", "up"),
          Map.entry("s24.lab.test", "up"),
          Map.entry("s25.lab.test", "up"),
          Map.entry("s26.v6.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("s27.ds.lab.test", "blocked/tcp_rst_injected"),
          Map.entry("small.lab.test", "up"));

  static final List<String> MASS_WATCHES = new ArrayList<>();

  static {
    for (int i = 1; i <= 8; i++) {
      MASS_WATCHES.add("198.18.128." + i);
    }
    MASS_WATCHES.add("198.18.128.0/22");
    // An IPv6 /48 black-holed at the same time: its addresses and the /48 itself as a prefix
    // watch (sampled at its low subnets and host ids) join the one mass block.
    for (int i = 1; i <= 4; i++) {
      MASS_WATCHES.add("2001:db8:1842::" + i);
    }
    MASS_WATCHES.add(MASS6);
  }

  /** The port of the webhook receiver in home: it takes every message and answers 204. */
  static final int ALERTS = 9099;

  static Process receiver;
  static DetourProcess agent;
  static final Map<String, DetourProcess> homes = new LinkedHashMap<>();
  static final List<String> report = new ArrayList<>();

  static Map<String, String> common() {
    Map<String, String> c = new TreeMap<>();
    c.put("detour.probe.interval", INTERVAL + "s");
    c.put("detour.probe.timeout", "2s");
    c.put("detour.probe.syn-wait", "1s");
    c.put("detour.verdict.block-after", String.valueOf(BLOCK_AFTER));
    c.put("detour.verdict.clear-after", String.valueOf(CLEAR_AFTER));
    // Six: the five watches the seed's reset blocks (s1, s2, s17, s26, s27) are scenarios of
    // their own, not a mass block; the black-holed prefixes' watches are (fourteen).
    c.put("detour.verdict.mass-block.min-watches", "6");
    c.put("detour.probe.block-page.hosts", "warning.lab.test");
    c.put("detour.probe.block-page.addresses", Lab.BLOCK_PAGE);
    // A crawl is timed for 4 s, not 10: rounds here are 5 s apart.
    c.put("detour.probe.transfer.max-time", "4s");
    // Allowlist mode: the ISP keeps its own site (the block page's host). Every scenario at once
    // blocks three watches in four: allowlist mode needs nine in ten.
    c.put("detour.verdict.allowlist.canaries", Lab.BLOCK_PAGE + ":80");
    c.put("detour.verdict.allowlist.min-share", "0.9");
    // Messages go to a receiver in home (ALERTS), after the default group wait (30 s).
    c.put("detour.alerts.channels.lab.type", "webhook");
    c.put("detour.alerts.channels.lab.url", "http://127.0.0.1:" + ALERTS + "/");
    return c;
  }

  @BeforeAll
  static void startDetours() throws Exception {
    Path root = Files.createTempDirectory("detour-monitoring-");
    receiver =
        lab.start(
            "home",
            root.resolve("receiver.log"),
            "python3",
            "-c",
            "import http.server as h\n"
                + "class R(h.BaseHTTPRequestHandler):\n"
                + "  def do_POST(s):\n"
                + "    s.rfile.read(int(s.headers.get('Content-Length') or 0))\n"
                + "    s.send_response(204); s.end_headers()\n"
                + "  def log_message(s, *a): pass\n"
                + "h.HTTPServer(('127.0.0.1', "
                + ALERTS
                + "), R).serve_forever()\n");
    Map<String, String> agentConfig = common();
    agentConfig.put("detour.monitor.enabled", "false");
    agentConfig.put("detour.agent.enabled", "true");
    agentConfig.put("detour.agent.token", TOKEN);
    agentConfig.put("detour.agent.allow", "203.0.113.0/24,198.18.0.0/15,2001:db8::/32");
    agent = DetourProcess.start(lab.namespace("vps"), root.resolve("agent"), 8443, agentConfig);

    Map<String, String> tunnel = common();
    tunnel.put("detour.control.mode", "interface");
    tunnel.put("detour.control.interface", "vx0");
    tunnel.put("detour.control.dns-resolvers", Lab.DNS);
    Map<String, String> viaAgent = common();
    viaAgent.put("detour.control.mode", "agent");
    viaAgent.put("detour.control.agent-url", "http://" + Lab.TUNNEL_VPS + ":8443");
    viaAgent.put("detour.control.agent-token", TOKEN);
    Map<String, String> none = common();
    none.put("detour.control.mode", "none");
    String home = lab.namespace("home");
    homes.put("interface", DetourProcess.start(home, root.resolve("interface"), 8181, tunnel));
    homes.put("agent", DetourProcess.start(home, root.resolve("agent-mode"), 8182, viaAgent));
    homes.put("none", DetourProcess.start(home, root.resolve("none"), 8183, none));
    for (DetourProcess d : homes.values()) {
      d.post("/api/groups", "{\"name\":\"lab\"}");
      for (String watch : SCENARIOS.keySet()) {
        d.post("/api/watches", "{\"target\":\"" + watch + "\",\"group\":\"lab\"}");
      }
    }
    // The mass block needs one instance: the machine is small and the others have work enough.
    DetourProcess tunnelled = homes.get("interface");
    tunnelled.post("/api/groups", "{\"name\":\"mass\"}");
    for (String watch : MASS_WATCHES) {
      tunnelled.post(
          "/api/watches", "{\"target\":\"" + watch + "\",\"group\":\"mass\",\"ports\":[80]}");
    }
  }

  @AfterAll
  static void stopDetours() throws Exception {
    for (DetourProcess d : homes.values()) {
      d.stop();
    }
    if (agent != null) {
      agent.stop();
    }
    if (receiver != null) {
      receiver.destroy();
    }
    Path out = Path.of("target", "monitoring-lab.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  /** Every watch's "state" or "state/method", read from /api/status. */
  /** A watch's latest reasons, one a line (the list leaves them out: the watch's own status). */
  static String reasons(DetourProcess d, String target) throws Exception {
    for (JsonNode row : d.get("/api/status?size=1000")) {
      if (row.get("target").asText().equals(target)) {
        List<String> all = new ArrayList<>();
        d.get("/api/watches/" + row.get("id").asLong() + "/status")
            .path("reasons")
            .forEach(r -> all.add(r.asText()));
        return String.join("\n", all);
      }
    }
    return "(no status for " + target + ")";
  }

  static Map<String, String> states(DetourProcess d) throws Exception {
    Map<String, String> all = new TreeMap<>();
    for (JsonNode row : d.get("/api/status?size=1000")) {
      JsonNode s = row.get("status");
      GROUP_OF.put(row.get("target").asText(), row.get("group").asText());
      all.put(
          row.get("target").asText(),
          s.get("state").asText() + (s.hasNonNull("method") ? "/" + s.get("method").asText() : ""));
    }
    return all;
  }

  /** The watches not up right now with their latest round's reasons: what a failure must show. */
  static String notUp(DetourProcess d) {
    StringBuilder b = new StringBuilder("not up now:");
    try {
      for (JsonNode row : d.get("/api/status?size=1000")) {
        JsonNode s = row.get("status");
        if (!s.path("state").asText().equals("up")) {
          // The list's rows are light: the reasons and pending rounds are the watch's own view.
          JsonNode full = d.get("/api/watches/" + row.get("id").asLong() + "/status");
          b.append("\n  ").append(row.get("target").asText()).append(' ');
          b.append(s.path("state").asText()).append('/').append(s.path("method").asText());
          b.append(" since ").append(full.path("since").asText());
          b.append(": ").append(full.path("reasons"));
        }
      }
    } catch (Exception e) {
      b.append(" (could not ask: ").append(e).append(')');
    }
    return b.toString();
  }

  /**
   * How long {@code n} rounds take here: the configured interval, or the slowest group's last round
   * when the machine is slower than that. Verdicts are promised within a number of rounds; how long
   * a round takes on a loaded machine is the benchmarks' business, not this test's.
   */
  static Duration rounds(long n) throws Exception {
    long slowest = INTERVAL * 1000L;
    for (DetourProcess d : homes.values()) {
      for (JsonNode ms : d.get("/api/monitor").path("lastRoundMillis")) {
        slowest = Math.max(slowest, ms.asLong());
      }
    }
    return Duration.ofMillis(n * slowest);
  }

  /**
   * When each watch showed what it must: seconds, and rounds its group had completed since the
   * polling began (a round under way then counts as one).
   */
  record Reached(Map<String, Map<String, Double>> seconds, Map<String, Map<String, Long>> rounds) {

    double slowest(String mode) {
      return seconds.get(mode).values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
    }
  }

  /** The group of each target seen in a status list (a target's group never changes here). */
  static final Map<String, String> GROUP_OF = new java.util.concurrent.ConcurrentHashMap<>();

  /** Rounds each group of an instance has completed since it started. */
  static Map<String, Long> groupRounds(DetourProcess d) throws Exception {
    Map<String, Long> rounds = new TreeMap<>();
    d.get("/api/monitor")
        .path("rounds")
        .fields()
        .forEachRemaining(f -> rounds.put(f.getKey(), f.getValue().asLong()));
    return rounds;
  }

  /**
   * Polls until every instance named in {@code expected} shows what it must (the others are not
   * looked at), failing once a watch's group has completed more than {@code n} rounds without it.
   * Counted in the instance's own rounds, not in seconds: how long a round takes on a loaded
   * machine is the benchmarks' business. Bounded in time too, at a tenth of the configured pace.
   */
  static Reached await(long n, Map<String, Map<String, String>> expected) throws Exception {
    long start = System.nanoTime();
    long cap = Duration.ofSeconds(n * INTERVAL * 10L).toNanos();
    Map<String, Map<String, Long>> base = new TreeMap<>();
    for (String mode : expected.keySet()) {
      base.put(mode, groupRounds(homes.get(mode)));
    }
    Reached reached = new Reached(new TreeMap<>(), new TreeMap<>());
    Map<String, Map<String, String>> missing = new TreeMap<>();
    long most = 0;
    while (System.nanoTime() - start < cap) {
      missing.clear();
      most = 0;
      for (var e : expected.entrySet()) {
        DetourProcess d = homes.get(e.getKey());
        // States first, then rounds: a verdict is charged the rounds done by the time it was
        // read, never fewer.
        Map<String, String> now = states(d);
        Map<String, Long> done = groupRounds(d);
        Map<String, Double> seconds =
            reached.seconds().computeIfAbsent(e.getKey(), k -> new TreeMap<>());
        Map<String, Long> rounds =
            reached.rounds().computeIfAbsent(e.getKey(), k -> new TreeMap<>());
        for (var want : e.getValue().entrySet()) {
          String group = GROUP_OF.getOrDefault(want.getKey(), "");
          long elapsed =
              done.getOrDefault(group, 0L) - base.get(e.getKey()).getOrDefault(group, 0L);
          if (want.getValue().equals(now.get(want.getKey()))) {
            seconds.putIfAbsent(want.getKey(), (System.nanoTime() - start) / 1e9);
            rounds.putIfAbsent(want.getKey(), elapsed);
          } else {
            missing
                .computeIfAbsent(e.getKey(), k -> new TreeMap<>())
                .put(want.getKey(), now.get(want.getKey()));
            most = Math.max(most, elapsed);
          }
        }
      }
      if (missing.isEmpty()) {
        return reached;
      }
      if (most > n) {
        break;
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "not every verdict came within "
            + n
            + " rounds (a group did "
            + most
            + " in "
            + (System.nanoTime() - start) / 1_000_000_000
            + " s); expected "
            + expected
            + "\nstill wrong (watch=seen): "
            + missing);
  }

  /**
   * Every watch of an instance in one state: the scenarios' everywhere, the mass block's too on the
   * tunnelled instance.
   */
  static Map<String, String> all(String mode, String state) {
    Map<String, String> all = new TreeMap<>();
    SCENARIOS.keySet().forEach(w -> all.put(w, state));
    if (mode.equals("interface")) {
      MASS_WATCHES.forEach(w -> all.put(w, state));
    }
    return all;
  }

  static Map<String, Map<String, String>> everywhere(String state) {
    Map<String, Map<String, String>> all = new TreeMap<>();
    homes.keySet().forEach(mode -> all.put(mode, all(mode, state)));
    return all;
  }

  @Test
  @Order(1)
  void everyWatchStartsUp() throws Exception {
    await(18, everywhere("up"));
  }

  @Test
  @Order(2)
  void aLossyLinkNeverFlipsAWatch() throws Exception {
    lab.block("lossy", "10");
    int checks = 0;
    try {
      long end = System.nanoTime() + Duration.ofSeconds(10L * INTERVAL).toNanos();
      while (System.nanoTime() < end) {
        for (var e : homes.entrySet()) {
          assertThat(states(e.getValue()))
              .as(() -> e.getKey() + " mode under 10% loss; " + notUp(e.getValue()))
              .isEqualTo(all(e.getKey(), "up"));
        }
        Thread.sleep(500);
        checks++;
      }
    } finally {
      lab.unblock("lossy", "10");
    }
    report.add(
        "lossy link (10% loss both ways), 10 rounds at "
            + INTERVAL
            + " s: no watch changed state in any mode ("
            + checks
            + " checks)");
  }

  @Test
  @Order(3)
  void everyScenarioGetsItsStateAndMethodAndClearsAgain() throws Exception {
    Map<String, String> withControl = new TreeMap<>(WITH_CONTROL);
    Map<String, String> without = new TreeMap<>(WITHOUT_CONTROL);
    MASS_WATCHES.forEach(w -> withControl.put(w, "blocked/tcp_blackhole"));
    Map<String, Map<String, String>> expected = new TreeMap<>();
    expected.put("interface", withControl);
    expected.put("agent", new TreeMap<>(WITH_CONTROL));
    expected.put("none", without);

    SCENARIOS.keySet().forEach(MonitoringLabIT::blockAll);
    lab.block("mass", MASS);
    lab.block("mass", MASS6);
    Reached onset;
    try {
      onset = await(BLOCK_AFTER + 6L, expected);
      // Verdicts stay put while the blocks hold: a minute, no flapping.
      long steady = System.nanoTime() + Duration.ofMinutes(1).toNanos();
      int checks = 0;
      while (System.nanoTime() < steady) {
        for (var e : homes.entrySet()) {
          assertThat(states(e.getValue()))
              .as("%s, %d s after every verdict came", e.getKey(), checks)
              .isEqualTo(expected.get(e.getKey()));
        }
        Thread.sleep(1000);
        checks++;
      }
      report.add("every verdict held for a minute (" + checks + " checks per instance)");
      for (var e : homes.entrySet()) {
        assertThat(reasons(e.getValue(), "s26.v6.lab.test"))
            .as("%s: the seed's reset over IPv6, told by its hop limit and missing ACK", e.getKey())
            .contains("RST hlim 58, seq 0")
            .contains("no ACK");
        assertThat(reasons(e.getValue(), "s27.ds.lab.test"))
            .as("%s: the dual-stack name says which family is blocked", e.getKey())
            .contains("IPv4 blocked (tcp_rst_injected: 198.18.0.27); IPv6 up (2001:db8:1800::27)");
      }
      Map<String, String> tunnelled = states(homes.get("interface"));
      tunnelled.keySet().retainAll(SCENARIOS.keySet());
      assertThat(states(homes.get("agent")))
          .as("the agent gives the same verdicts as the tunnel")
          .isEqualTo(tunnelled);
      String metrics = homes.get("interface").call("GET", "/q/metrics", null).body();
      assertThat(metrics)
          .contains(
              series("detour_watch_state", "group=lab,state=blocked,watch=s1.lab.test", "1.0"),
              series("detour_watch_state", "group=lab,state=up,watch=s1.lab.test", "0.0"),
              series(
                  "detour_watch_block_method",
                  "group=lab,method=tcp_rst_injected,watch=s1.lab.test",
                  "1.0"),
              series(
                  "detour_watch_block_method",
                  "group=lab,method=throttled,watch=s13.lab.test",
                  "1.0"),
              series(
                  "detour_watch_block_method",
                  "group=lab,method=transfer_stalled,watch=s14.lab.test",
                  "1.0"),
              "detour_probes_total{outcome=\"ok\",probe=\"transfer\"",
              series("detour_watch_state", "group=mass,state=blocked,watch=198.18.128.0/22", "1.0"),
              "detour_detection_latency_seconds_count",
              "detour_round_duration_seconds_count{group=\"lab\"",
              "detour_probes_total{outcome=\"ok\",probe=\"tcp_syn\"",
              "detour_vantage_up 1.0",
              "detour_control_up 1.0");
    } finally {
      SCENARIOS.keySet().forEach(MonitoringLabIT::unblockAll);
      lab.unblock("mass", MASS);
      lab.unblock("mass", MASS6);
    }
    // A round that loses an answer under load starts the clear count again: clear-after rounds in
    // a row may take a few more.
    Map<String, Map<String, Double>> cleared = await(CLEAR_AFTER + 10L, everywhere("up")).seconds();

    report.add(
        "interval " + INTERVAL + " s, block-after " + BLOCK_AFTER + ", clear-after " + CLEAR_AFTER);
    report.add(
        String.format(
            "%-16s %-10s %-28s %8s %7s %8s %7s",
            "watch", "mode", "verdict", "onset s", "rounds", "clear s", "rounds"));
    for (String mode : homes.keySet()) {
      Map<String, int[]> rounds = rounds(homes.get(mode));
      for (String watch : expected.get(mode).keySet()) {
        int[] r = rounds.getOrDefault(watch, new int[2]);
        report.add(
            String.format(
                "%-16s %-10s %-28s %8.1f %7s %8.1f %7s",
                watch,
                mode,
                expected.get(mode).get(watch),
                onset.seconds().get(mode).getOrDefault(watch, 0.0),
                r[0] == 0 ? "-" : String.valueOf(r[0]),
                cleared.get(mode).getOrDefault(watch, 0.0),
                r[1] == 0 ? "-" : String.valueOf(r[1])));
      }
    }
    // Within block-after and a few rounds more, counted in the watch's group's own rounds (the
    // wall-clock figures are in the report; speed is the benchmarks' business).
    for (var e : onset.rounds().entrySet()) {
      for (var w : e.getValue().entrySet()) {
        assertThat(w.getValue())
            .as("%s: rounds until %s reached its verdict", e.getKey(), w.getKey())
            .isLessThanOrEqualTo(BLOCK_AFTER + 5L);
      }
    }
    {
      String mode = "interface";
      DetourProcess d = homes.get(mode);
      JsonNode mass = d.get("/api/incidents?kind=mass_block");
      assertThat(mass).as("%s: one mass-block incident", mode).hasSize(1);
      assertThat(mass.get(0).get("method").asText()).isEqualTo("tcp_blackhole");
      JsonNode detail = d.get("/api/incidents/" + mass.get(0).get("id").asText());
      List<String> members = new ArrayList<>();
      detail.get("memberIncidents").forEach(m -> members.add(m.get("target").asText()));
      // Every watch of the blocked prefix is a member; so is any other black hole of the moment.
      assertThat(members).as("%s: the mass block's members", mode).containsAll(MASS_WATCHES);
      assertThat(mass.get(0).get("members").asInt()).isEqualTo(members.size());
      for (JsonNode i : d.get("/api/incidents?kind=state_change&size=500")) {
        if ("blocked".equals(i.path("to").asText())
            && "tcp_blackhole".equals(i.path("method").asText())) {
          assertThat(MASS_WATCHES)
              .as("%s: the mass block's members are listed under it only", mode)
              .doesNotContain(i.get("target").asText());
        }
      }
    }
    // The seed's trace: where the resets come from is located on the change to blocked.
    JsonNode s1 = incidentTo(homes.get("interface"), "s1.lab.test", "blocked");
    assertThat(s1.get("censor")).as("censor location of s1's block").isNotNull();
    // The isp is hop 2; with its time-exceeded rate-limited under this load, the reset reads as
    // one in the forwarding path and the hop before is named (PathProbesLabTest pins hop 2).
    assertThat(s1.get("censor").get("censorHop").asInt()).isBetween(1, 2);
    assertThat(s1.get("evidence").get("addresses")).isNotEmpty();
    assertThat(s1.get("capture").asText()).isNotBlank();
    assertThat(homes.get("none").get("/api/incidents?kind=mass_block")).isEmpty();
    // Today's censor in the words alerts carry: the rate and its share, the freeze's offset.
    for (String mode : List.of("interface", "agent")) {
      assertThat(incidentTo(homes.get(mode), "s13.lab.test", "blocked").get("summary").asText())
          .as("%s: s13's alert text", mode)
          .containsPattern("throttled to [0-9.]+ (kbit|Mbit)/s, [0-9.]+ % of the tunnel's speed");
      assertThat(incidentTo(homes.get(mode), "s14.lab.test", "blocked").get("summary").asText())
          .as("%s: s14's alert text", mode)
          .containsPattern("froze after [0-9,]+ bytes; the control (fetched|got all) [0-9,]+");
      // The handshake's blocks name the shape that failed and how, then what the control saw.
      JsonNode s21 = incidentTo(homes.get(mode), "s21.lab.test", "blocked");
      assertThat(s21.get("summary").asText())
          .as("%s: s21's alert text", mode)
          .containsPattern(
              "QUIC to 198.18.0.21:443 \\(SNI s21.lab.test\\): \\d Initials, no answer here");
      assertThat(s21.get("evidence").toString()).contains("control: handshake in");
      JsonNode s22 = incidentTo(homes.get(mode), "s22.lab.test", "blocked");
      assertThat(s22.get("summary").asText())
          .as("%s: s22's alert text", mode)
          .contains(
              "a Chrome-like hello with ECH for s22.lab.test: silence (no answer); without ECH the"
                  + " server answers");
      assertThat(s22.get("evidence").toString()).contains("control: every shape passes");
      JsonNode s23 = incidentTo(homes.get(mode), "s23.lab.test", "blocked");
      assertThat(s23.get("summary").asText())
          .as("%s: s23's alert text", mode)
          .contains(
              "a Chrome-like hello for s23.lab.test: silence (no answer); the JDK's hello passes");
      assertThat(s23.get("evidence").toString()).contains("control: every shape passes");
    }
  }

  @Test
  @Order(4)
  void anOfflineHomeBlamesNobody() throws Exception {
    // Everything settled first: a late clear from the scenarios is not the offline spell's.
    await(CLEAR_AFTER + 10L, everywhere("up"));
    int before = homes.get("interface").get("/api/incidents?kind=state_change&size=500").size();
    lab.block("uplink-down");
    try {
      Reached offline = await(6, everywhere("unknown"));
      long end = System.nanoTime() + Duration.ofSeconds(4L * INTERVAL).toNanos();
      while (System.nanoTime() < end) {
        for (var e : homes.entrySet()) {
          assertThat(states(e.getValue()).values())
              .as("%s: nothing is blocked or down while the uplink is down", e.getKey())
              .containsOnly("unknown");
        }
        Thread.sleep(500);
      }
      for (var e : homes.entrySet()) {
        assertThat(e.getValue().get("/api/monitor").get("vantageOnline").asBoolean()).isFalse();
        assertThat(e.getValue().get("/api/incidents?kind=vantage_offline")).hasSize(1);
      }
      report.add(
          String.format(
              "uplink down: every watch unknown within %.1f s, one vantage_offline incident per"
                  + " instance, nothing declared blocked or down",
              offline.slowest("interface")));
    } finally {
      lab.unblock("uplink-down");
    }
    await(8, everywhere("up"));
    assertThat(homes.get("interface").get("/api/incidents?kind=state_change&size=500"))
        .as("the offline spell left no state change behind")
        .hasSize(before);
    for (DetourProcess d : homes.values()) {
      assertThat(d.get("/api/incidents?kind=vantage_online")).hasSize(1);
      assertThat(d.logText()).doesNotContain("ERROR");
    }
  }

  /**
   * The ISP's resolver goes silent: no watch changes state in any mode (a round that cannot resolve
   * says nothing). Then the control agent goes away: the instance that uses it records a
   * control_offline incident, reports detour_control_up 0, and judges as an instance without a
   * control does (docs/verdicts.md) — a signature (s1's injected resets) still blocks, a black hole
   * (s3) alone never does.
   */
  /**
   * The ISP's allowlist mode: everything abroad cut but the hosts it keeps (here its own site, the
   * canary) and the tunnel. With a control, one allowlist_mode incident and one message instead of
   * a flood; every watch blocked by "allowlist"; one allowlist_lifted incident and one message when
   * it ends. Without a control it cannot be told apart, and is never raised.
   */
  @Test
  @Order(5)
  void allowlistModeIsOneIncidentAndOneMessageRaisedAndClearedOnce() throws Exception {
    await(CLEAR_AFTER + 10L, everywhere("up"));
    // A second group, so the cut spans groups on the agent's instance too.
    List<String> abroad = List.of(Lab.WEB1, Lab.WEB2, Lab.WEB3);
    for (String mode : List.of("agent", "none")) {
      DetourProcess d = homes.get(mode);
      d.post("/api/groups", "{\"name\":\"abroad\"}");
      for (String w : abroad) {
        d.post("/api/watches", "{\"target\":\"" + w + "\",\"group\":\"abroad\",\"ports\":[80]}");
      }
    }
    try {
      Map<String, Map<String, String>> up = everywhere("up");
      for (String mode : List.of("agent", "none")) {
        abroad.forEach(w -> up.get(mode).put(w, "up"));
      }
      await(CLEAR_AFTER + 10L, up);
      Map<String, Integer> sentBefore = new TreeMap<>();
      for (String mode : List.of("interface", "agent")) {
        sentBefore.put(mode, homes.get(mode).get("/api/alerts/deliveries?size=1000").size());
      }
      Map<String, Map<String, String>> cut = new TreeMap<>();
      for (String mode : List.of("interface", "agent")) {
        Map<String, String> all = new TreeMap<>();
        up.get(mode).keySet().forEach(w -> all.put(w, "blocked/allowlist"));
        cut.put(mode, all);
      }
      Reached onset;
      lab.block("allowlist", Lab.BLOCK_PAGE);
      try {
        onset = await(BLOCK_AFTER + 6L, cut);
        for (String mode : List.of("interface", "agent")) {
          DetourProcess d = homes.get(mode);
          JsonNode modes = d.get("/api/incidents?kind=allowlist_mode");
          assertThat(modes).as("%s: one allowlist_mode incident", mode).hasSize(1);
          assertThat(modes.get(0).get("summary").asText())
              .as("%s: what it says", mode)
              .containsPattern(
                  "Allowlist mode: \\d+ of \\d+ watches \\((9\\d|100) %\\) in 2 groups")
              .contains(Lab.BLOCK_PAGE + ":80 still answers and the control works");
          // A watch that turned blocked in the round just ended joins the incident when that
          // round's end looks for allowlist mode, a moment after its state shows: read again
          // for up to 15 s.
          long joinedBy = System.nanoTime() + 15_000_000_000L;
          while (modes.get(0).get("members").asInt() < cut.get(mode).size()
              && System.nanoTime() < joinedBy) {
            Thread.sleep(500);
            modes = d.get("/api/incidents?kind=allowlist_mode");
          }
          assertThat(modes.get(0).get("members").asInt())
              .as("%s: every watch cut is a member", mode)
              .isEqualTo(cut.get(mode).size());
          assertThat(d.call("GET", "/q/metrics", null).body())
              .contains("detour_allowlist_mode 1.0");
        }
        // The instance without a control cannot tell it from its own uplink's trouble.
        assertThat(homes.get("none").get("/api/incidents?kind=allowlist_mode")).isEmpty();
        // One message, after the group wait; none of the watches' own.
        awaitMessages(sentBefore, "allowlist_mode")
            .forEach(
                (mode, kinds) ->
                    assertThat(kinds)
                        .as("%s: the messages of the cut", mode)
                        .containsExactly("allowlist_mode"));
      } finally {
        lab.unblock("allowlist", Lab.BLOCK_PAGE);
      }
      await(CLEAR_AFTER + 10L, up);
      Map<String, List<String>> told = null;
      for (String mode : List.of("interface", "agent")) {
        DetourProcess d = homes.get(mode);
        long start = System.nanoTime();
        while (d.get("/api/incidents?kind=allowlist_lifted").isEmpty()) {
          assertThat(System.nanoTime() - start)
              .as("%s: allowlist_lifted once the watches are up", mode)
              .isLessThan(rounds(3).toNanos());
          Thread.sleep(500);
        }
        JsonNode lifted = d.get("/api/incidents?kind=allowlist_lifted");
        assertThat(lifted).hasSize(1);
        assertThat(lifted.get(0).get("summary").asText())
            .startsWith("Allowlist mode lifted: ")
            .contains("watches reachable again");
        if (told == null) {
          told = awaitMessages(sentBefore, "allowlist_lifted");
        }
        assertThat(told.get(mode))
            .as("%s: one message when it came, one when it went", mode)
            .containsExactly("allowlist_mode", "allowlist_lifted");
        assertThat(d.call("GET", "/q/metrics", null).body()).contains("detour_allowlist_mode 0.0");
        report.add(
            String.format(
                "allowlist mode (%s): every watch blocked/allowlist within %.1f s, one"
                    + " allowlist_mode incident and message, one allowlist_lifted after",
                mode, onset.slowest(mode)));
      }
    } finally {
      // The other tests know only the scenarios' watches.
      for (String mode : List.of("agent", "none")) {
        DetourProcess d = homes.get(mode);
        assertThat(d.call("DELETE", "/api/groups/abroad?cascade=true", null).status())
            .isEqualTo(204);
      }
    }
  }

  /** The kinds of message about watches, the ones a cut could flood. */
  static final java.util.Set<String> ABOUT_WATCHES =
      java.util.Set.of(
          "blocked", "cleared", "mass_block", "mass_cleared", "allowlist_mode", "allowlist_lifted");

  /**
   * The kinds of the messages about watches an instance made after its first {@code before}, oldest
   * first (the control's or the uplink's return from the test before may still come in).
   */
  static List<String> messages(DetourProcess d, int before) throws Exception {
    List<String> kinds = new ArrayList<>();
    JsonNode all = d.get("/api/alerts/deliveries?size=1000");
    for (int i = all.size() - before - 1; i >= 0; i--) {
      String kind = all.get(i).get("kind").asText();
      if (ABOUT_WATCHES.contains(kind)) {
        kinds.add(kind);
      }
    }
    return kinds;
  }

  /**
   * Per instance, the kinds of the messages made since {@code before}, once each has made one of
   * {@code kind} and the group wait (30 s) has passed again: what else would come, has.
   */
  static Map<String, List<String>> awaitMessages(Map<String, Integer> before, String kind)
      throws Exception {
    long start = System.nanoTime();
    for (var e : before.entrySet()) {
      while (!messages(homes.get(e.getKey()), e.getValue()).contains(kind)) {
        assertThat(System.nanoTime() - start)
            .as("%s: a %s message within 90 s", e.getKey(), kind)
            .isLessThan(Duration.ofSeconds(90).toNanos());
        Thread.sleep(500);
      }
    }
    Thread.sleep(35_000);
    Map<String, List<String>> all = new TreeMap<>();
    for (var e : before.entrySet()) {
      all.put(e.getKey(), messages(homes.get(e.getKey()), e.getValue()));
    }
    return all;
  }

  @Test
  @Order(6)
  void aSilentResolverChangesNothingAndALostAgentFallsBackToSignatures() throws Exception {
    await(CLEAR_AFTER + 10L, everywhere("up"));
    lab.block("resolver-down");
    try {
      long end = System.nanoTime() + rounds(4).toNanos();
      while (System.nanoTime() < end) {
        for (var e : homes.entrySet()) {
          assertThat(states(e.getValue()))
              .as("%s mode with the ISP's resolver silent", e.getKey())
              .isEqualTo(all(e.getKey(), "up"));
        }
        Thread.sleep(500);
      }
    } finally {
      lab.unblock("resolver-down");
    }
    report.add("ISP resolver silent for 4 rounds: no watch changed state in any mode");

    DetourProcess viaAgent = homes.get("agent");
    // The uplink's outage before took the agent out of reach too: its incident is not this one.
    int offlineBefore = viaAgent.get("/api/incidents?kind=control_offline").size();
    agent.stop();
    long lost = System.nanoTime();
    while (viaAgent.get("/api/incidents?kind=control_offline").size() == offlineBefore
        || !viaAgent.call("GET", "/q/metrics", null).body().contains("detour_control_up 0.0")) {
      assertThat(System.nanoTime() - lost)
          .as("a new control_offline incident and detour_control_up 0 once the agent is gone")
          .isLessThan(rounds(3).toNanos());
      Thread.sleep(500);
    }
    blockAll("s1.lab.test");
    blockAll("s3.lab.test");
    try {
      long start = System.nanoTime();
      Map<String, String> now = states(viaAgent);
      while (!"blocked/tcp_rst_injected".equals(now.get("s1.lab.test"))) {
        assertThat(System.nanoTime() - start)
            .as("s1 blocked by its signature alone; last seen %s", now)
            .isLessThan(rounds(BLOCK_AFTER + 6L).toNanos());
        Thread.sleep(500);
        now = states(viaAgent);
      }
      // As many rounds again as a block takes: the black hole alone never becomes one.
      long end = System.nanoTime() + rounds(BLOCK_AFTER + 1L).toNanos();
      while (System.nanoTime() < end) {
        assertThat(states(viaAgent))
            .as("without its agent")
            .containsEntry("s1.lab.test", "blocked/tcp_rst_injected")
            .containsEntry("s3.lab.test", WITHOUT_CONTROL.get("s3.lab.test"));
        Thread.sleep(500);
      }
    } finally {
      unblockAll("s1.lab.test");
      unblockAll("s3.lab.test");
    }
    report.add(
        "control agent gone: control_offline recorded, detour_control_up 0, s1 (injected RST)"
            + " blocked by its signature, s3 (black hole) left up as without a control");
    assertThat(viaAgent.logText()).doesNotContain("ERROR");
  }

  /** A Prometheus text line: {@code name{a="x",b="y",} value}, as the registry writes it. */
  static String series(String name, String labels, String value) {
    StringBuilder line = new StringBuilder(name).append('{');
    for (String label : labels.split(",")) {
      String[] kv = label.split("=", 2);
      line.append(kv[0]).append("=\"").append(kv[1]).append("\",");
    }
    return line.append("} ").append(value).toString();
  }

  /** The detail of a watch's latest incident changing it to {@code state}. */
  static JsonNode incidentTo(DetourProcess d, String target, String state) throws Exception {
    for (JsonNode i : d.get("/api/incidents?members=true&kind=state_change&size=500")) {
      if (target.equals(i.get("target").asText()) && state.equals(i.get("to").asText())) {
        return d.get("/api/incidents/" + i.get("id").asText());
      }
    }
    throw new AssertionError("no incident of " + target + " to " + state);
  }

  /** Rounds each watch's latest change to blocked or down, and back to up, took. */
  static Map<String, int[]> rounds(DetourProcess d) throws Exception {
    Map<String, int[]> rounds = new TreeMap<>();
    for (JsonNode i : d.get("/api/incidents?members=true&kind=state_change&size=500")) {
      String summary = i.get("summary").asText();
      int after = summary.indexOf(" after ");
      int n = Integer.parseInt(summary.substring(after + 7, summary.indexOf(' ', after + 7)));
      int[] r = rounds.computeIfAbsent(i.get("target").asText(), t -> new int[2]);
      int slot = "up".equals(i.get("to").asText()) ? 1 : 0;
      if (r[slot] == 0) {
        r[slot] = n;
      }
    }
    return rounds;
  }

  /**
   * A clean stop while rounds run (every 5 s, 31 watches: one is always under way) tells nothing
   * alarming: probes cut short, verdicts that come too late and rounds that end early are a stop,
   * not a failure.
   */
  @Test
  @Order(7)
  void aStopWhileRoundsRunLogsNoWarningOrError() throws Exception {
    DetourProcess tunnelled = homes.get("interface");
    // Mid-round: watches are being probed right now.
    long deadline = System.nanoTime() + rounds(3).toNanos();
    while (tunnelled.get("/api/monitor").path("probing").asInt() == 0) {
      assertThat(System.nanoTime()).as("a round under way within 3 rounds").isLessThan(deadline);
      Thread.sleep(50);
    }
    long before = Files.size(tunnelled.log());
    tunnelled.stop();
    byte[] log = Files.readAllBytes(tunnelled.log());
    String after =
        new String(
            log, (int) before, log.length - (int) before, java.nio.charset.StandardCharsets.UTF_8);
    List<String> alarming =
        after.lines().filter(l -> l.matches("^\\S+ \\S+ (WARN|ERROR) .*")).toList();
    assertThat(alarming).as("WARN or ERROR while stopping mid-round").isEmpty();
    report.add("stopped mid-round: no WARN or ERROR in the log");
  }
}
