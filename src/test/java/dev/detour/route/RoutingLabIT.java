package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.lab.DetourProcess;
import dev.detour.lab.Lab;
import dev.detour.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The loop the seed closed by hand, closed by Detour with the Linux backend: the lab's home is the
 * user's router (Detour runs on it) and "lan" a PC behind it. The censor black-holes a target and a
 * whole /24; Detour sees them blocked, routes them through the tunnel, and the PC reaches them —
 * while Detour's own probes keep the direct path and still see the block; when the censor lets go,
 * the watches clear and the routes are withdrawn. Figures go to target/routing-lab.txt.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RoutingLabIT {

  @RegisterExtension static final Lab lab = Lab.perClass();

  static final int INTERVAL = 3;
  static final String TARGET = "198.18.0.40";
  static final String PREFIX = "198.18.41.0/24";
  static final String IN_PREFIX = "198.18.41.7";
  static final String PIN = "198.18.50.0/24";

  /** An IPv6 target of the same black hole, routed through the tunnel's IPv6 next hop. */
  static final String TARGET6 = "2001:db8:1800::40";

  static final String TABLE = "1001";

  static DetourProcess detour;
  static final List<String> report = new ArrayList<>();
  static long blockedAt;

  @BeforeAll
  static void startDetour() throws Exception {
    Map<String, String> c = DetourProcess.quickHome(INTERVAL);
    c.put("detour.routers.home.type", "linux");
    c.put("detour.routers.home.gateway", Lab.TUNNEL_VPS + "%vx0," + Lab.TUNNEL_VPS6 + "%vx0");
    c.put("detour.routes.allow-reserved", "198.18.0.0/15,2001:db8:1800::/40");
    c.put("detour.routes.withdraw-grace", "0s");
    c.put("detour.routes.sync-every", "5s");
    Path root = Files.createTempDirectory("detour-routing-");
    detour = DetourProcess.start(lab.namespace("home"), root, 8190, c);
    detour.post("/api/groups", "{\"name\":\"lab\",\"probes\":[\"icmp\",\"tcp_syn\"]}");
    detour.post("/api/watches", "{\"target\":\"" + TARGET + "\",\"group\":\"lab\",\"ports\":[80]}");
    detour.post("/api/watches", "{\"target\":\"" + PREFIX + "\",\"group\":\"lab\",\"ports\":[80]}");
    detour.post(
        "/api/watches", "{\"target\":\"" + TARGET6 + "\",\"group\":\"lab\",\"ports\":[80]}");
  }

  @AfterAll
  static void stopDetour() throws Exception {
    if (detour != null) {
      detour.stop();
    }
    Path out = Path.of("target", "routing-lab.txt");
    Files.createDirectories(out.getParent());
    Files.write(out, report);
    report.forEach(System.out::println);
  }

  /** Detour's routes in home's table: prefix → the line ip prints. */
  static Map<String, String> routes() {
    return lab.detourRoutes("home", TABLE);
  }

  /** Whether the PC behind home (lan) or home itself gets the page of this address. */
  static boolean reaches(String host, String address) {
    return lab.run(
            host,
            Duration.ofSeconds(10),
            "curl",
            "-s",
            "-m",
            "3",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "http://" + (address.contains(":") ? "[" + address + "]" : address) + "/")
        .output()
        .strip()
        .equals("200");
  }

  static String state(String target) throws Exception {
    for (JsonNode row : detour.get("/api/status?size=100")) {
      if (row.get("target").asText().equals(target)) {
        JsonNode s = row.get("status");
        return s.get("state").asText()
            + (s.hasNonNull("method") ? "/" + s.get("method").asText() : "");
      }
    }
    return "none";
  }

  static double await(String what, Duration limit, Supplier<Boolean> done) throws Exception {
    return Await.until(limit, Duration.ofMillis(300), done::get, what, RoutingLabIT::seen).toNanos()
        / 1e9;
  }

  /** What the lab shows now, for a failure: the routes, the router's status, Detour's log. */
  static String seen() {
    try {
      return "routes "
          + routes()
          + "; "
          + detour.get("/api/routes/routers/home")
          + "\nlog:\n"
          + tail(detour.logText());
    } catch (Exception e) {
      return "routes " + routes() + "; Detour did not answer: " + e;
    }
  }

  /** Whether a sync of home began after {@code t} and is done. */
  static boolean syncedAfter(Instant t) {
    try {
      JsonNode at = detour.get("/api/routes/routers/home").get("syncedAt");
      return at != null && !at.isNull() && Instant.parse(at.asText()).isAfter(t);
    } catch (Exception e) {
      return false;
    }
  }

  static String tail(String log) {
    return log.length() < 6000 ? log : log.substring(log.length() - 6000);
  }

  static Supplier<Boolean> state(String target, String wanted) {
    return () -> {
      try {
        return state(target).equals(wanted);
      } catch (Exception e) {
        return false;
      }
    };
  }

  @Test
  @Order(1)
  void upTargetsAreNotRouted() throws Exception {
    await("both watches up", Duration.ofSeconds(60), state(TARGET, "up"));
    await("the prefix up", Duration.ofSeconds(30), state(PREFIX, "up"));
    await("the IPv6 target up", Duration.ofSeconds(30), state(TARGET6, "up"));
    Instant up = Instant.now();
    await("a sync after both were up", Duration.ofSeconds(30), () -> syncedAfter(up));
    assertThat(routes()).isEmpty();
    assertThat(reaches("lan", TARGET)).isTrue();
    JsonNode home = detour.get("/api/routes/routers/home");
    assertThat(home.get("error")).as("%s", home).isNull();
    assertThat(home.get("tunnelUp").asBoolean()).isTrue();
  }

  @Test
  @Order(2)
  void blockedTargetsAreRoutedAndReachableFromTheLan() throws Exception {
    lab.block("blackhole", TARGET, "80");
    lab.block("mass", PREFIX);
    lab.block("blackhole", TARGET6, "80");
    blockedAt = System.nanoTime();
    assertThat(reaches("lan", TARGET)).as("the censor's black hole, before Detour acts").isFalse();
    double routed =
        await(
            "routes for the blocked target and prefix",
            Duration.ofSeconds(60),
            () -> routes().keySet().containsAll(List.of(TARGET + "/32", PREFIX, TARGET6 + "/128")));
    report.add(
        String.format(
            "block onset → routes applied: %.1f s (interval %d s, block-after 2)",
            routed + 0, INTERVAL));
    assertThat(state(TARGET)).isEqualTo("blocked/tcp_blackhole");
    assertThat(routes().get(TARGET + "/32")).contains("via 192.0.2.1 dev vx0");
    assertThat(reaches("lan", TARGET)).as("the PC reaches the target through the tunnel").isTrue();
    assertThat(reaches("lan", IN_PREFIX)).as("and an address of the blocked /24").isTrue();
    assertThat(reaches("home", TARGET)).as("Detour's host itself keeps the direct path").isFalse();
    assertThat(state(TARGET6)).isEqualTo("blocked/tcp_blackhole");
    assertThat(routes().get(TARGET6 + "/128")).contains("via " + Lab.TUNNEL_VPS6 + " dev vx0");
    assertThat(reaches("lan", TARGET6))
        .as("the PC reaches the IPv6 target through the tunnel")
        .isTrue();
  }

  @Test
  @Order(3)
  void theRouteDoesNotHideTheBlockFromDetour() throws Exception {
    long end = System.nanoTime() + Duration.ofSeconds(4L * INTERVAL).toNanos();
    while (System.nanoTime() < end) {
      assertThat(state(TARGET)).isEqualTo("blocked/tcp_blackhole");
      assertThat(routes()).containsKey(TARGET + "/32");
      Thread.sleep(1000);
    }
  }

  @Test
  @Order(4)
  void everyChangeIsAuditedAndVerified() throws Exception {
    JsonNode audit = detour.get("/api/routes/audit?router=home");
    List<String> lines = new ArrayList<>();
    audit.forEach(
        a ->
            lines.add(
                a.get("action").asText()
                    + " "
                    + a.get("prefix").asText()
                    + " "
                    + a.get("outcome").asText()));
    assertThat(lines)
        .contains(
            "add " + TARGET + "/32 ok",
            "add " + PREFIX + " ok",
            "add " + TARGET6 + "/128 ok",
            "verify " + TARGET + "/32 ok",
            "verify " + TARGET6 + "/128 ok");
    assertThat(detour.post("/api/routes/routers/home/test", "").get("answer").asText())
        .contains("Linux", "table 1001", "vx0 (up)");
    String metrics = detour.call("GET", "/q/metrics", null).body();
    assertThat(metrics)
        .containsPattern("(?m)^detour_routes\\{router=\"home\",state=\"applied\",?} 3\\.0$")
        .containsPattern(
            "(?m)^detour_route_changes_total\\{action=\"add\",outcome=\"ok\",router=\"home\",?} [2-9]");
    JsonNode claims = detour.get("/api/routes/claims");
    assertThat(claims.toString()).contains(TARGET + "/32", "tcp_blackhole", "\"verified\":true");
  }

  @Test
  @Order(5)
  void pinsKillSwitchAndDryRun() throws Exception {
    JsonNode pin = detour.post("/api/routes/pins", "{\"prefix\":\"" + PIN + "\",\"note\":\"lab\"}");
    await("the pin routed", Duration.ofSeconds(20), () -> routes().containsKey(PIN));
    JsonNode bogon = detour.post("/api/routes/pins", "{\"prefix\":\"10.1.0.0/16\"}");
    JsonNode plan = detour.post("/api/routes/routers/home/plan", "");
    assertThat(plan.get("fenced").toString()).contains("10.1.0.0/16", "private");
    assertThat(routes()).doesNotContainKey("10.1.0.0/16");
    detour.call("DELETE", "/api/routes/pins/" + bogon.get("id").asLong(), null);

    detour.call("PUT", "/api/routes/switches", "{\"killSwitch\":true}");
    await(
        "the kill switch withdrawing everything", Duration.ofSeconds(20), () -> routes().isEmpty());
    detour.call("PUT", "/api/routes/switches", "{\"killSwitch\":false,\"dryRun\":true}");
    JsonNode dry = detour.post("/api/routes/routers/home/sync", "");
    assertThat(dry.get("dryRun").asBoolean()).isTrue();
    assertThat(dry.get("pendingAdd").toString()).contains(TARGET + "/32", PIN);
    assertThat(routes()).as("a dry run changes nothing").isEmpty();
    detour.call("PUT", "/api/routes/switches", "{\"dryRun\":false}");
    await(
        "routes back",
        Duration.ofSeconds(20),
        () -> routes().keySet().containsAll(List.of(TARGET + "/32", PREFIX, PIN)));
    detour.call("DELETE", "/api/routes/pins/" + pin.get("id").asLong(), null);
    await(
        "the unpinned prefix withdrawn", Duration.ofSeconds(20), () -> !routes().containsKey(PIN));
  }

  @Test
  @Order(6)
  void aLiftedBlockIsWithdrawn() throws Exception {
    lab.unblock("blackhole", TARGET, "80");
    lab.unblock("mass", PREFIX);
    lab.unblock("blackhole", TARGET6, "80");
    double gone =
        await(
            "the routes withdrawn after the blocks lifted",
            Duration.ofSeconds(60),
            () -> routes().isEmpty());
    report.add(
        String.format("block lifted → routes withdrawn: %.1f s (clear-after 2, grace 0 s)", gone));
    assertThat(state(TARGET)).isEqualTo("up");
    assertThat(state(TARGET6)).isEqualTo("up");
    assertThat(reaches("lan", TARGET)).as("directly again").isTrue();
    assertThat(reaches("lan", TARGET6)).as("and over IPv6").isTrue();
    JsonNode audit = detour.get("/api/routes/audit?router=home");
    assertThat(audit.toString()).contains("\"action\":\"remove\"", "no longer wanted");
  }
}
