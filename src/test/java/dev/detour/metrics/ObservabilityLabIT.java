package dev.detour.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.detour.alert.HookServer;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Detour as its users watch it, in the lab: Detour on home probing a target with a Linux router and
 * every kind of alert channel pointed at real receivers on home's loopback (an HTTP server for the
 * webhook, Telegram, Slack, ntfy and Alertmanager shapes, GreenMail for e-mail), and Debian's
 * Prometheus scraping it with grafana/'s rules. A black hole makes one message per channel and a
 * firing alert; every dashboard query and every alert's query returns data; the clear is told.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilityLabIT {

  @RegisterExtension static final Lab lab = Lab.perClass();

  /** The watch: a host's name (so its page is fetched too), and the address it resolves to. */
  static final String TARGET = "s60." + Lab.ZONE;

  static final String ADDRESS = "198.18.0.60";
  static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
  static final ObjectMapper JSON = new ObjectMapper();
  static final List<String> WEB_CHANNELS =
      List.of(
          "/hook",
          "/slack",
          "/ntfy/",
          "/am/api/v2/alerts",
          "/tg/bot" + HookServer.BOT_TOKEN + "/sendMessage");

  static String home;
  static HookServer hooks;
  static GreenMail mail;
  static DetourProcess detour;
  static Process prometheus;
  static int prometheusPort;
  static Path root;
  static final List<String> report = new ArrayList<>();

  @BeforeAll
  static void start() throws Exception {
    assertThat(PROMETHEUS).as("Debian's prometheus (.ci/prepare installs it)").isExecutable();
    home = lab.namespace("home");
    root = Files.createTempDirectory("detour-observability-");
    hooks = NetNs.call(home, HookServer::new);
    int smtp = NetNs.call(home, DetourProcess::freePort);
    mail = new GreenMail(new ServerSetup(smtp, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    NetNs.call(
        home,
        () -> {
          mail.start();
          return null;
        });

    Map<String, String> c = DetourProcess.quickHome(3);
    c.put("detour.routers.home.type", "linux");
    c.put("detour.routers.home.gateway", Lab.TUNNEL_VPS + "%vx0");
    c.put("detour.routes.allow-reserved", "198.18.0.0/15");
    c.put("detour.routes.sync-every", "5s");
    c.put("detour.alerts.group-wait", "2s");
    c.put("detour.alerts.base-url", "http://detour.lab.test:8080");
    String base = hooks.base();
    channel(c, "hook", "webhook", "url", base + "/hook", "secret", "lab-secret");
    channel(
        c, "tg", "telegram", "url", base + "/tg", "token", HookServer.BOT_TOKEN, "chat-id", "7");
    channel(c, "slack", "slack", "url", base + "/slack");
    channel(c, "ntfy", "ntfy", "url", base + "/ntfy", "topic", "detour");
    channel(c, "am", "alertmanager", "url", base + "/am");
    channel(c, "mail", "email", "to", "me@lab.test");
    c.put("quarkus.mailer.host", "127.0.0.1");
    c.put("quarkus.mailer.port", String.valueOf(smtp));
    c.put("quarkus.mailer.from", "detour@lab.test");
    c.put("quarkus.mailer.start-tls", "DISABLED");
    int port = 8191;
    detour = DetourProcess.start(home, root.resolve("detour"), port, c);
    // Its page is fetched too (a transfer), for the dashboard's goodput panel.
    detour.post("/api/groups", "{\"name\":\"lab\",\"probes\":[\"icmp\",\"tcp_syn\",\"transfer\"]}");
    detour.post("/api/watches", "{\"target\":\"" + TARGET + "\",\"group\":\"lab\",\"ports\":[80]}");

    prometheusPort = NetNs.call(home, DetourProcess::freePort);
    Path config = root.resolve("prometheus.yml");
    Files.writeString(
        config,
        """
        global:
          scrape_interval: 2s
          evaluation_interval: 2s
        rule_files:
          - %s
        scrape_configs:
          - job_name: detour
            metrics_path: /q/metrics
            static_configs:
              - targets: ["127.0.0.1:%d"]
        """
            .formatted(Path.of("grafana/prometheus/detour.rules.yml").toAbsolutePath(), port));
    prometheus =
        lab.start(
            "home",
            root.resolve("prometheus.log"),
            PROMETHEUS.toString(),
            "--config.file=" + config,
            "--storage.tsdb.path=" + root.resolve("tsdb"),
            "--web.listen-address=127.0.0.1:" + prometheusPort,
            "--web.enable-lifecycle");
    until(
        "Prometheus scrapes Detour",
        Duration.ofSeconds(90),
        () -> {
          assertThat(prometheus.isAlive())
              .as("Prometheus runs; its log:\n%s", Files.readString(root.resolve("prometheus.log")))
              .isTrue();
          try {
            return !query("up{job=\"detour\"} == 1").isEmpty();
          } catch (AssertionError notListeningYet) {
            return false;
          }
        });
  }

  @AfterAll
  static void stop() throws Exception {
    if (prometheus != null) {
      prometheus.destroy();
      prometheus.waitFor();
    }
    if (detour != null) {
      detour.stop();
    }
    if (hooks != null) {
      hooks.close();
    }
    if (mail != null) {
      mail.stop();
    }
    Path out = Path.of("target", "observability-lab.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  private static void channel(Map<String, String> c, String name, String type, String... kv) {
    String key = "detour.alerts.channels." + name + ".";
    c.put(key + "type", type);
    for (int i = 0; i < kv.length; i += 2) {
      c.put(key + kv[i], kv[i + 1]);
    }
  }

  /** Prometheus' API, from home's network. */
  static JsonNode prometheus(String path) throws Exception {
    return NetNs.call(
        home,
        (Callable<JsonNode>)
            () -> {
              HttpURLConnection h =
                  (HttpURLConnection)
                      URI.create("http://127.0.0.1:" + prometheusPort + path)
                          .toURL()
                          .openConnection();
              h.setConnectTimeout(5000);
              h.setReadTimeout(30000);
              int status = h.getResponseCode();
              try (InputStream in = status >= 400 ? h.getErrorStream() : h.getInputStream()) {
                JsonNode answer = JSON.readTree(in);
                assertThat(answer.path("status").asText())
                    .as("Prometheus %s: %s", path, answer)
                    .isEqualTo("success");
                return answer.get("data");
              }
            });
  }

  /** An instant query's result vector (an expression that does not parse fails the test). */
  static JsonNode query(String promql) {
    try {
      return prometheus("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
          .get("result");
    } catch (Exception e) {
      throw new AssertionError(promql + ": " + e.getMessage(), e);
    }
  }

  interface Check {
    boolean ok() throws Exception;
  }

  static double until(String what, Duration limit, Check done) throws Exception {
    long start = System.nanoTime();
    while (!done.ok()) {
      if (System.nanoTime() - start > limit.toNanos()) {
        throw new AssertionError(
            "not within "
                + limit.toSeconds()
                + " s: "
                + what
                + "\nDetour's log:\n"
                + tail(detour.logText()));
      }
      Thread.sleep(500);
    }
    return (System.nanoTime() - start) / 1e9;
  }

  static String tail(String log) {
    return log.length() <= 6000 ? log : log.substring(log.length() - 6000);
  }

  static String state() throws Exception {
    JsonNode s = detour.get("/api/status?size=10").get(0).get("status");
    return s.get("state").asText() + (s.hasNonNull("method") ? "/" + s.get("method").asText() : "");
  }

  /** Alerting has read every incident, and no message waits to be sent on any channel. */
  static boolean settled() throws Exception {
    for (JsonNode i : detour.get("/api/incidents?members=true&size=500")) {
      if (!i.hasNonNull("alertedAt")) {
        return false;
      }
    }
    return detour
        .call("GET", "/q/metrics", null)
        .body()
        .lines()
        .filter(l -> l.startsWith("detour_alert_pending{"))
        .allMatch(l -> l.endsWith(" 0.0"));
  }

  /**
   * Whether every channel got {@code n} messages and nothing else: all about the target (a false
   * "tunnel down" at start, say, would be one too many).
   */
  static boolean oneEach(int n) throws Exception {
    for (String path : WEB_CHANNELS) {
      List<HookServer.Request> got = hooks.at(path);
      assertThat(got).as("messages at %s", path).allMatch(r -> r.body().contains(TARGET));
      if (got.size() != n) {
        return false;
      }
    }
    var mails = mail.getReceivedMessages();
    for (var m : mails) {
      assertThat(m.getSubject()).as("e-mail").contains(TARGET);
    }
    return mails.length == n;
  }

  @Test
  @Order(1)
  void aBlockIsOneMessageOnEachChannelAndAFiringPrometheusAlert() throws Exception {
    until("the target is up", Duration.ofSeconds(120), () -> state().equals("up"));
    lab.block("blackhole", ADDRESS, "80");
    double blocked =
        until(
            "the target is blocked",
            Duration.ofSeconds(180),
            () -> state().equals("blocked/tcp_blackhole"));
    double told = until("one message on each channel", Duration.ofSeconds(60), () -> oneEach(1));
    double firing =
        until(
            "Prometheus fires DetourWatchBlocked",
            Duration.ofSeconds(60),
            () -> {
              for (JsonNode a : prometheus("/api/v1/alerts").get("alerts")) {
                if (a.path("labels").path("alertname").asText().equals("DetourWatchBlocked")
                    && a.path("labels").path("watch").asText().equals(TARGET)
                    && a.path("state").asText().equals("firing")) {
                  return true;
                }
              }
              return false;
            });
    // Every message alerting will ever make of the block is made once it has read the incident,
    // and sent once nothing waits: then one each is all there is.
    until("alerting read the block and sent everything", Duration.ofSeconds(60), () -> settled());
    assertThat(oneEach(1)).as("still one message per channel, not more").isTrue();
    JsonNode hook = JSON.readTree(hooks.at("/hook").get(0).body());
    assertThat(hook.get("kind").asText()).isEqualTo("blocked");
    assertThat(hook.get("alert").get("method").asText()).isEqualTo("tcp_blackhole");
    assertThat(hook.get("text").asText()).contains(TARGET, "blocked");
    assertThat(mail.getReceivedMessages()[0].getSubject())
        .isEqualTo(TARGET + " blocked (black hole)");
    report.add(
        String.format(
            "black hole on %s: blocked after %.1f s; one message on each of 6 channels %.1f s"
                + " later; Prometheus' DetourWatchBlocked firing %.1f s after that",
            TARGET, blocked, told, firing));
  }

  @Test
  @Order(2)
  void everyDashboardQueryAndEveryAlertQueryReturnsData() throws Exception {
    // The route through the tunnel is in place, so the routers' series have data too.
    until(
        "the block is routed",
        Duration.ofSeconds(60),
        () -> !query("detour_routes{state=\"applied\"} > 0").isEmpty());
    // The detection latency appears with the block: increase() over it needs two scrapes of it.
    until(
        "the detection latency scraped twice",
        Duration.ofSeconds(30),
        () -> !query("count_over_time(detour_detection_latency_seconds_count[1h]) >= 2").isEmpty());
    List<String> checked = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of("grafana/dashboards"))) {
      for (Path file : files.sorted().toList()) {
        JsonNode dashboard = JSON.readTree(file.toFile());
        for (JsonNode variable : dashboard.path("templating").path("list")) {
          String q = variable.path("definition").asText("");
          Matcher m = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)").matcher(q);
          if (m.matches()) {
            String match = substitute(m.group(1));
            JsonNode values =
                prometheus(
                    "/api/v1/label/"
                        + m.group(2)
                        + "/values?match[]="
                        + URLEncoder.encode(match, StandardCharsets.UTF_8));
            assertThat(values)
                .as("%s: variable %s (%s) has values", file.getFileName(), variable.get("name"), q)
                .isNotEmpty();
          }
        }
        for (JsonNode panel : dashboard.path("panels")) {
          for (JsonNode target : panel.path("targets")) {
            String expr = target.get("expr").asText();
            assertThat(scrapedTwice(substitute(expr)))
                .as(
                    "%s: panel \"%s\": %s returns data",
                    file.getFileName(), panel.get("title").asText(), expr)
                .isNotEmpty();
            checked.add(expr);
          }
        }
      }
    }
    int rules = 0;
    for (JsonNode group : prometheus("/api/v1/rules").get("groups")) {
      for (JsonNode rule : group.get("rules")) {
        String expr = rule.get("query").asText();
        assertThat(rule.get("health").asText()).as("rule %s", rule.get("name")).isEqualTo("ok");
        query(expr);
        Matcher m =
            Pattern.compile("(?s)^(.*?)\\s*(==|!=|>=|<=|>|<)\\s*[0-9.]+\\s*$").matcher(expr);
        String data = m.matches() ? m.group(1) : expr;
        assertThat(scrapedTwice(data))
            .as("alert %s: its query %s returns data", rule.get("name").asText(), data)
            .isNotEmpty();
        rules++;
      }
    }
    assertThat(rules).isEqualTo(9);
    report.add(
        checked.size()
            + " dashboard queries and "
            + rules
            + " alert queries returned data from Prometheus "
            + "scraping Detour in the lab");
  }

  /**
   * The query's answer once what it reads has been scraped twice: increase() and rate() answer
   * nothing over a series with one sample, as a counter that has just appeared (the route changes,
   * when the route went in a moment ago) has. At most 10 s (five scrapes).
   */
  static JsonNode scrapedTwice(String expr) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    JsonNode answer = query(expr);
    while (answer.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(500);
      answer = query(expr);
    }
    return answer;
  }

  /** Grafana's variables, as the lab has them. */
  static String substitute(String expr) {
    return expr.replace("$__rate_interval", "1m")
        .replace("$__range", "1h")
        .replace("$__interval", "10s")
        .replace("$group", "lab")
        .replace("$watch", TARGET)
        .replace("$router", "home");
  }

  @Test
  @Order(3)
  void theClearIsToldOnEachChannel() throws Exception {
    lab.unblock("blackhole", ADDRESS, "80");
    double up =
        until("the target is up again", Duration.ofSeconds(180), () -> state().equals("up"));
    double told = until("one clear on each channel", Duration.ofSeconds(60), () -> oneEach(2));
    JsonNode clear = JSON.readTree(hooks.at("/hook").get(1).body());
    assertThat(clear.get("kind").asText()).isEqualTo("cleared");
    JsonNode am = JSON.readTree(hooks.at("/am/api/v2/alerts").get(1).body()).get(0);
    assertThat(am.get("labels").get("alertname").asText()).isEqualTo("DetourBlocked");
    assertThat(detour.logText()).doesNotContain("ERROR", HookServer.BOT_TOKEN, "lab-secret");
    report.add(
        String.format(
            "block lifted: up after %.1f s, the clear on each channel %.1f s later", up, told));
  }
}
