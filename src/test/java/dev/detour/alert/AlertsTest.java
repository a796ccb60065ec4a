package dev.detour.alert;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.WebhookChannel;
import dev.detour.incident.Incident;
import dev.detour.monitor.IncidentFixtures;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.testing.Await;
import dev.detour.testing.Database;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import jakarta.persistence.PessimisticLockException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Alerting end to end over the real database and real receivers on loopback: incidents stored as
 * the monitor stores them become one message per channel, in each receiver's own shape.
 */
@QuarkusTest
@WithTestResource(Receivers.class)
@TestSecurity(user = "admin", roles = "admin")
class AlertsTest {

  private static final List<String> EVERY_CHANNEL_ON_A_BLOCK =
      List.of(
          "/hook",
          "/tg/bot" + Receivers.BOT_TOKEN + "/sendMessage",
          "/slack",
          "/ntfy/",
          "/am/api/v2/alerts",
          "/lab-only");

  private static final String FLAKY_RETRIES =
      "detour_alert_deliveries_total{channel=\"flaky\",outcome=\"retry\"}";
  private static final String REFUSED =
      "detour_alert_deliveries_total{channel=\"refusing\",outcome=\"failed\"}";

  @Inject Database db;
  @Inject IncidentFixtures fixtures;
  @Inject ObjectMapper json;
  @Inject Alerts alerts;

  @BeforeEach
  void clean() throws InterruptedException {
    // Alerting goes on between tests (resends every second or two): when its look and this
    // clean-up lock the same rows in another order, the database gives one of them up. Alerting
    // tries again at its next look; so does this.
    Await.until(Duration.ofSeconds(30), Duration.ofMillis(100), this::cleared, "a clean database");
    Receivers.hooks.clear();
    try {
      Receivers.mail.purgeEmailFromAllMailboxes();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    for (String g : List.of("lab", "other", "mass")) {
      given().contentType(ContentType.JSON).body("{\"name\":\"" + g + "\"}").post("/api/groups");
    }
  }

  long watch(String target, String group) {
    return given()
        .contentType(ContentType.JSON)
        .body("{\"target\":\"" + target + "\",\"group\":\"" + group + "\"}")
        .post("/api/watches")
        .then()
        .statusCode(201)
        .extract()
        .jsonPath()
        .getLong("id");
  }

  private boolean cleared() {
    try {
      db.clear();
      return true;
    } catch (PessimisticLockException deadlock) {
      return false;
    }
  }

  static void until(String what, BooleanSupplier done) throws InterruptedException {
    Await.until(Duration.ofSeconds(30), Duration.ofMillis(100), done, what);
  }

  /**
   * Alerting has looked at every incident and sent every message it stored but those held for quiet
   * hours: what may still come has come.
   */
  static void untilSettled() throws InterruptedException {
    until(
        "alerting to look at every incident and send what it made of them",
        () ->
            QuarkusTransaction.requiringNew()
                .call(
                    () ->
                        Incident.count("alertedAt is null") == 0
                            && AlertDelivery.count(
                                    "status = ?1 and channel <> ?2",
                                    AlertDelivery.Status.PENDING.name(),
                                    "night")
                                == 0));
  }

  /** What a channel was told of a problem and not yet told is over, or null. */
  static AlertNotice notice(String channel, String key) {
    return QuarkusTransaction.requiringNew()
        .call(() -> AlertNotice.findById(new AlertNotice.Key(channel, key)));
  }

  /** A series' value in /q/metrics now (counters are the instance's, across tests). */
  static double metric(String series) {
    for (String line : given().get("/q/metrics").then().extract().asString().split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1));
      }
    }
    throw new AssertionError("no series " + series);
  }

  /** Waits until the refusing channel has given its message up. */
  static void untilRefusedOnce() throws InterruptedException {
    until(
        "the refusing channel failed it",
        () ->
            QuarkusTransaction.requiringNew()
                .call(
                    () ->
                        AlertDelivery.count("channel = ?1 and status = ?2", "refusing", "FAILED")
                            == 1));
  }

  JsonNode body(HookServer.Request r) {
    try {
      return json.readTree(r.body());
    } catch (Exception e) {
      throw new AssertionError(r.body(), e);
    }
  }

  @Test
  void aBlockAndItsClearReachEveryChannelOnceInItsOwnShape() throws Exception {
    long id = watch("s1.lab.test", "lab");
    double flakyRetries = metric(FLAKY_RETRIES);
    double refused = metric(REFUSED);
    Instant at = Instant.now();
    fixtures.blocked(id, "s1.lab.test", TcpRule.TCP_RST_INJECTED, at);
    until(
        "every receiver got the block",
        () ->
            EVERY_CHANNEL_ON_A_BLOCK.stream().allMatch(p -> Receivers.at(p).size() == 1)
                && Receivers.mail.getReceivedMessages().length >= 2
                && !Receivers.at("/repeat").isEmpty()
                && !Receivers.at("/flaky").isEmpty()
                && !Receivers.at("/refusing").isEmpty());
    // The webhook: documented JSON, signed over timestamp.body with the shared secret.
    HookServer.Request hook = Receivers.at("/hook").get(0);
    String signed = hook.headers().get("x-detour-timestamp") + "." + hook.body();
    assertThat(hook.headers().get("x-detour-signature"))
        .isEqualTo(
            "sha256="
                + WebhookChannel.sign(Receivers.SECRET.getBytes(StandardCharsets.UTF_8), signed));
    assertThat(
            Math.abs(
                Long.parseLong(hook.headers().get("x-detour-timestamp"))
                    - Instant.now().getEpochSecond()))
        .isLessThan(60);
    JsonNode h = body(hook);
    assertThat(h.get("version").asInt()).isEqualTo(1);
    assertThat(h.get("kind").asText()).isEqualTo("blocked");
    assertThat(h.get("status").asText()).isEqualTo("firing");
    assertThat(h.get("title").asText()).isEqualTo("s1.lab.test blocked (injected TCP reset)");
    assertThat(h.get("alert").get("method").asText()).isEqualTo("tcp_rst_injected");
    assertThat(h.get("alert").get("group").asText()).isEqualTo("lab");
    assertThat(h.get("alert").get("key").asText()).isEqualTo("watch:" + id);
    assertThat(h.get("alert").get("link").asText()).startsWith("http://detour.test/incidents/");
    assertThat(h.get("text").asText()).contains("up → blocked (tcp_rst_injected) after 3 rounds");
    assertThat(hook.headers().get("x-detour-delivery")).isEqualTo(h.get("delivery").asText());
    // Telegram: the bot's sendMessage, to the configured chat.
    JsonNode tg = body(Receivers.at("/tg/bot" + Receivers.BOT_TOKEN + "/sendMessage").get(0));
    assertThat(tg.get("chat_id").asText()).isEqualTo("-1001");
    assertThat(tg.get("text").asText()).startsWith("s1.lab.test blocked (injected TCP reset)\n\n");
    // Slack: mrkdwn text with the title in bold.
    assertThat(body(Receivers.at("/slack").get(0)).get("text").asText())
        .startsWith("*s1.lab.test blocked (injected TCP reset)*\n");
    // ntfy: JSON publish with topic, title, a high priority and the bearer token.
    HookServer.Request ntfy = Receivers.at("/ntfy/").get(0);
    JsonNode n = body(ntfy);
    assertThat(n.get("topic").asText()).isEqualTo("detour-alerts");
    assertThat(n.get("priority").asInt()).isEqualTo(4);
    assertThat(n.get("click").asText()).startsWith("http://detour.test/incidents/");
    assertThat(ntfy.headers().get("authorization")).isEqualTo("Bearer tk");
    // Alertmanager: one alert, labelled as the Prometheus rules label theirs, ending ahead.
    JsonNode am = body(Receivers.at("/am/api/v2/alerts").get(0)).get(0);
    assertThat(am.get("labels").get("alertname").asText()).isEqualTo("DetourBlocked");
    assertThat(am.get("labels").get("watch").asText()).isEqualTo("s1.lab.test");
    assertThat(am.get("labels").get("severity").asText()).isEqualTo("warning");
    assertThat(Instant.parse(am.get("endsAt").asText())).isAfter(Instant.now());
    // E-mail through a real SMTP server, to both recipients.
    MimeMessage[] mails = Receivers.mail.getReceivedMessages();
    assertThat(mails).hasSize(2);
    assertThat(mails[0].getSubject()).isEqualTo("s1.lab.test blocked (injected TCP reset)");
    assertThat(((String) mails[0].getContent())).contains("after 3 rounds");
    // The flaky receiver got it on the third try; the refusing one was given up at once.
    until("the flaky receiver took it", () -> Receivers.at("/flaky").size() == 3);
    given()
        .get("/api/alerts/deliveries?channel=flaky")
        .then()
        .body("[0].status", equalTo("sent"))
        .body("[0].attempts", equalTo(3));
    given()
        .get("/api/alerts/deliveries?channel=refusing")
        .then()
        .body("[0].status", equalTo("failed"))
        .body("[0].attempts", equalTo(1))
        .body("[0].lastError", equalTo("HTTP 400 from 127.0.0.1: {\"error\":\"unknown hook\"}"));
    // Quiet hours hold the message until they end.
    given()
        .get("/api/alerts/deliveries?channel=night")
        .then()
        .body("[0].status", equalTo("pending"))
        .body("[0].attempts", equalTo(0));
    assertThat(Receivers.at("/night")).isEmpty();
    // It repeats every second, but a message still waiting is not repeated on top of itself: two
    // looks for resends have passed over it (each moves its notice on).
    until(
        "two looks for resends on the night channel",
        () -> {
          AlertNotice held = notice("night", "watch:" + id);
          return !held.lastSentAt.isBefore(held.firedAt.plusSeconds(2));
        });
    given().get("/api/alerts/deliveries?channel=night").then().body("size()", equalTo(1));
    // Failures show: on the channel, in the metrics.
    given()
        .get("/api/alerts/channels")
        .then()
        .statusCode(200)
        .body("find { it.name == 'refusing' }.up", equalTo(false))
        .body("find { it.name == 'refusing' }.failed", equalTo(1))
        .body(
            "find { it.name == 'refusing' }.lastError",
            equalTo("HTTP 400 from 127.0.0.1: {\"error\":\"unknown hook\"}"))
        .body("find { it.name == 'hook' }.up", equalTo(true))
        .body("find { it.name == 'hook' }.destination", equalTo(Receivers.base + " (signed)"))
        .body("find { it.name == 'tg' }.destination", equalTo("chat -1001 via " + Receivers.base))
        .body("find { it.name == 'night' }.pending", equalTo(1));
    assertThat(metric(FLAKY_RETRIES) - flakyRetries).isEqualTo(2.0);
    assertThat(metric(REFUSED) - refused).isEqualTo(1.0);
    assertThat(metric("detour_alert_channel_up{channel=\"refusing\"}")).isEqualTo(0.0);
    assertThat(metric("detour_alert_channel_up{channel=\"hook\"}")).isEqualTo(1.0);

    // A new block method is the same problem: nothing more is sent.
    fixtures.blocked(id, "s1.lab.test", TcpRule.TCP_BLACKHOLE, Instant.now());
    // The clear: once per channel that was told, with the user's template for clears.
    fixtures.cleared(id, "s1.lab.test", "lab", Instant.now());
    until(
        "every receiver got the clear",
        () -> EVERY_CHANNEL_ON_A_BLOCK.stream().allMatch(p -> Receivers.at(p).size() == 2));
    JsonNode clear = body(Receivers.at("/hook").get(1));
    assertThat(clear.get("kind").asText()).isEqualTo("cleared");
    assertThat(clear.get("status").asText()).isEqualTo("resolved");
    assertThat(clear.get("text").asText()).isEqualTo("Fixed: s1.lab.test (up)");
    JsonNode resolved = body(Receivers.at("/am/api/v2/alerts").get(1)).get(0);
    assertThat(resolved.get("labels")).isEqualTo(am.get("labels"));
    assertThat(Instant.parse(resolved.get("endsAt").asText())).isBefore(Instant.now());
    assertThat(body(Receivers.at("/ntfy/").get(1)).get("priority").asInt()).isEqualTo(3);
    untilSettled();
    assertThat(Receivers.at("/hook")).as("no more than block and clear").hasSize(2);
    // The refusing channel takes blocks only; the repeat channel only blocks, so no clear.
    assertThat(Receivers.at("/refusing")).hasSize(1);
  }

  @Test
  void aProblemThatHoldsIsToldAgainAtTheChannelsInterval() throws Exception {
    long id = watch("s2.lab.test", "lab");
    fixtures.blocked(id, "s2.lab.test", TcpRule.TCP_BLACKHOLE, Instant.now());
    until("the block was told again", () -> Receivers.at("/repeat").size() >= 2);
    JsonNode again = body(Receivers.at("/repeat").get(1));
    assertThat(again.get("alert").get("repeated").asBoolean()).isTrue();
    assertThat(again.get("title").asText()).isEqualTo("s2.lab.test blocked (black hole) (still)");
    assertThat(again.get("text").asText()).contains("Still so since");
    // The hook's interval is the default 4 h: told once.
    assertThat(Receivers.at("/hook")).hasSize(1);
    fixtures.cleared(id, "s2.lab.test", "lab", Instant.now());
    Instant clearedAt = Instant.now();
    until("the clear was told", () -> Receivers.at("/hook").size() == 2);
    int told = Receivers.at("/repeat").size();
    // A look for resends after the clear, when the block was due on the repeat channel (every 2 s).
    Instant due = notice("repeat", "watch:" + id).lastSentAt.plusSeconds(2);
    until(
        "a look for resends once the block was due again",
        () -> alerts.resentAt().isAfter(clearedAt) && !alerts.resentAt().isBefore(due));
    untilSettled();
    assertThat(Receivers.at("/repeat")).as("no resend once clear").hasSize(told);
  }

  @Test
  void aMassBlockIsOneMessageAndSoIsItsEnd() throws Exception {
    List<Long> members = new ArrayList<>();
    List<Long> watches = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      watches.add(watch("198.18.128." + i, "mass"));
    }
    // As the monitor does: the blocks of one round, and the mass block at once.
    Instant at = Instant.now();
    for (int i = 0; i < 12; i++) {
      members.add(
          fixtures.blocked(
              watches.get(i), "198.18.128." + (i + 1), "mass", TcpRule.TCP_BLACKHOLE, at));
    }
    fixtures.mass(TcpRule.TCP_BLACKHOLE, members);
    until("the mass block was told", () -> Receivers.at("/hook").size() >= 1);
    untilSettled();
    assertThat(Receivers.at("/hook")).as("one message for twelve blocks").hasSize(1);
    JsonNode mass = body(Receivers.at("/hook").get(0));
    assertThat(mass.get("kind").asText()).isEqualTo("mass_block");
    assertThat(mass.get("alert").get("count").asInt()).isEqualTo(12);
    assertThat(mass.get("alert").get("group").asText()).isEqualTo("mass");
    assertThat(mass.get("title").asText()).isEqualTo("Mass block: 12 watches (black hole)");
    assertThat(mass.get("text").asText()).contains("198.18.128.1, 198.18.128.10", "and 2 more");
    JsonNode am = body(Receivers.at("/am/api/v2/alerts").get(0)).get(0);
    assertThat(am.get("labels").get("alertname").asText()).isEqualTo("DetourMassBlock");
    assertThat(am.get("labels").get("severity").asText()).isEqualTo("critical");
    assertThat(body(Receivers.at("/ntfy/").get(0)).get("priority").asInt()).isEqualTo(5);
    // The group filter: lab-only takes lab's watches; the mass block is the mass group's.
    assertThat(Receivers.at("/lab-only")).isEmpty();

    clear(watches, 0, 6);
    until("the partial clear was told", () -> Receivers.at("/hook").size() == 2);
    JsonNode partial = body(Receivers.at("/hook").get(1));
    assertThat(partial.get("kind").asText()).isEqualTo("mass_cleared");
    assertThat(partial.get("status").asText()).isEqualTo("firing");
    assertThat(partial.get("alert").get("remaining").asInt()).isEqualTo(6);
    clear(watches, 6, 12);
    until("the end was told", () -> Receivers.at("/hook").size() == 3);
    JsonNode end = body(Receivers.at("/hook").get(2));
    assertThat(end.get("status").asText()).isEqualTo("resolved");
    assertThat(end.get("title").asText()).isEqualTo("Mass block over: 6 watches cleared");
    untilSettled();
    assertThat(Receivers.at("/hook")).hasSize(3);
  }

  @Test
  void allowlistModeIsOneMessageOverItsWatchesAndTheirMassBlockAndOneWhenItLifts()
      throws Exception {
    List<Long> watches = new ArrayList<>();
    List<Long> blackholes = new ArrayList<>();
    for (int i = 1; i <= 12; i++) {
      watches.add(watch("198.18.128." + i, i <= 6 ? "mass" : "other"));
    }
    // An earlier block of one of them, over before (a flap: not told), and left so.
    long earlier =
        fixtures.blocked(
            watches.get(0), "198.18.128.1", "mass", TcpRule.TCP_RST_INJECTED, Instant.now());
    fixtures.cleared(watches.get(0), "198.18.128.1", "mass", Instant.now());
    untilSettled();
    Receivers.hooks.clear();
    Instant at = Instant.now();
    for (int i = 1; i <= 12; i++) {
      String group = i <= 6 ? "mass" : "other";
      blackholes.add(
          fixtures.blocked(
              watches.get(i - 1), "198.18.128." + i, group, TcpRule.TCP_BLACKHOLE, at));
    }
    // The blocks had formed a mass block before allowlist mode was recognised.
    fixtures.mass(TcpRule.TCP_BLACKHOLE, blackholes);
    long mode =
        fixtures.allowlist(
            "Allowlist mode: 12 of 12 watches (100 %) in 2 groups", watches, at.minusSeconds(600));
    assertThat(
            QuarkusTransaction.requiringNew()
                .call(() -> Incident.<Incident>findById(earlier).parentId))
        .as("a block over before is no member")
        .isNull();
    assertThat(
            QuarkusTransaction.requiringNew()
                .call(() -> Incident.<Incident>findById(blackholes.get(0)).parentId))
        .isEqualTo(mode);
    until("allowlist mode was told", () -> Receivers.at("/hook").size() >= 1);
    untilSettled();
    assertThat(Receivers.at("/hook")).as("one message for twelve blocks").hasSize(1);
    JsonNode told = body(Receivers.at("/hook").get(0));
    assertThat(told.get("kind").asText()).isEqualTo("allowlist_mode");
    assertThat(told.get("status").asText()).isEqualTo("firing");
    assertThat(told.get("title").asText())
        .isEqualTo("Allowlist mode: 12 watches cut at once, all but the ISP's allowlist abroad");
    assertThat(told.get("alert").get("method").asText()).isEqualTo("allowlist");
    assertThat(told.get("text").asText()).contains("Allowlist mode: 12 of 12 watches");
    JsonNode am = body(Receivers.at("/am/api/v2/alerts").get(0)).get(0);
    assertThat(am.get("labels").get("alertname").asText()).isEqualTo("DetourAllowlistMode");

    clear(watches, 0, 12);
    fixtures.event(Incident.Kind.ALLOWLIST_LIFTED, "Allowlist mode lifted: 12 of 12 reachable");
    until("the lift was told", () -> Receivers.at("/hook").size() >= 2);
    untilSettled();
    assertThat(Receivers.at("/hook")).as("the clears are not told one by one").hasSize(2);
    JsonNode lifted = body(Receivers.at("/hook").get(1));
    assertThat(lifted.get("kind").asText()).isEqualTo("allowlist_lifted");
    assertThat(lifted.get("status").asText()).isEqualTo("resolved");
    assertThat(lifted.get("title").asText()).isEqualTo("Allowlist mode lifted");
  }

  /** Watches {@code from} to {@code to} (exclusive) of the mass block clear in one round. */
  void clear(List<Long> watches, int from, int to) {
    Instant at = Instant.now();
    for (int i = from; i < to; i++) {
      fixtures.cleared(watches.get(i), "198.18.128." + (i + 1), "mass", at);
    }
  }

  @Test
  void routerTunnelAndVantageProblemsAreToldAndAFlapIsNot() throws Exception {
    fixtures.event(Incident.Kind.TUNNEL_DOWN, "home", "home: the tunnel gre-tunnel1 is down");
    fixtures.event(Incident.Kind.ROUTER_SYNC_FAILED, "home", "home: route sync failing: 401");
    // Offline and back within the group wait: a flap, not news.
    fixtures.event(Incident.Kind.VANTAGE_OFFLINE, "uplink down: no route");
    fixtures.event(Incident.Kind.VANTAGE_ONLINE, "uplink back");
    until("the router's problems were told", () -> Receivers.at("/am/api/v2/alerts").size() == 2);
    untilSettled();
    List<String> names = new ArrayList<>();
    for (HookServer.Request r : Receivers.at("/am/api/v2/alerts")) {
      JsonNode a = body(r).get(0);
      names.add(a.get("labels").get("alertname").asText());
      assertThat(a.get("labels").get("router").asText()).isEqualTo("home");
    }
    assertThat(names).containsExactlyInAnyOrder("DetourTunnelDown", "DetourRouterSyncFailed");
    assertThat(Receivers.at("/hook")).hasSize(2);
    assertThat(body(Receivers.at("/hook").get(0)).get("title").asText())
        .isEqualTo("Router home: tunnel down");
    fixtures.event(Incident.Kind.TUNNEL_UP, "home", "home: the tunnel gre-tunnel1 is up again");
    until("the tunnel's return was told", () -> Receivers.at("/am/api/v2/alerts").size() == 3);
    JsonNode up = body(Receivers.at("/am/api/v2/alerts").get(2)).get(0);
    assertThat(up.get("labels").get("alertname").asText()).isEqualTo("DetourTunnelDown");
    assertThat(Instant.parse(up.get("endsAt").asText())).isBefore(Instant.now());
  }

  @Test
  void aMaintenanceWindowSilencesItsGroupAndBadWindowsAreRefused() throws Exception {
    given()
        .contentType(ContentType.JSON)
        .body("{\"duration\":\"PT1H\",\"group\":\"other\",\"comment\":\"ISP works\"}")
        .post("/api/alerts/silences")
        .then()
        .statusCode(201)
        .body("active", equalTo(true))
        .body("createdBy", equalTo("admin"));
    long quiet = watch("s3.lab.test", "other");
    long loud = watch("s4.lab.test", "lab");
    fixtures.blocked(quiet, "s3.lab.test", "other", TcpRule.TCP_BLACKHOLE, Instant.now());
    fixtures.blocked(loud, "s4.lab.test", "lab", TcpRule.TCP_BLACKHOLE, Instant.now());
    until("the lab block was told", () -> Receivers.at("/hook").size() == 1);
    untilSettled();
    assertThat(Receivers.at("/hook")).hasSize(1);
    assertThat(body(Receivers.at("/hook").get(0)).get("alert").get("target").asText())
        .isEqualTo("s4.lab.test");
    given()
        .get("/api/alerts/deliveries?channel=hook&status=silenced")
        .then()
        .body("size()", equalTo(1))
        .body("[0].title", equalTo("s3.lab.test blocked (black hole)"));

    given()
        .contentType(ContentType.JSON)
        .body("{\"group\":\"lab\"}")
        .post("/api/alerts/silences")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", hasItem("endsAt"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"duration\":\"P100D\"}")
        .post("/api/alerts/silences")
        .then()
        .statusCode(400)
        .body("detail", equalTo("endsAt: a maintenance window lasts 90 days at most"));
    given()
        .get("/api/alerts/deliveries?status=lost")
        .then()
        .statusCode(400)
        .body("errors.field", hasItem("status"));
    long id = given().get("/api/alerts/silences").then().extract().jsonPath().getLong("[0].id");
    given().delete("/api/alerts/silences/" + id).then().statusCode(204);
    given().get("/api/alerts/silences").then().body("size()", equalTo(0));
  }

  @Test
  void aTestMessageAndARetryByHand() throws Exception {
    given()
        .post("/api/alerts/channels/hook/test")
        .then()
        .statusCode(202)
        .body("channel", equalTo("hook"));
    until("the test arrived", () -> Receivers.at("/hook").size() == 1);
    assertThat(body(Receivers.at("/hook").get(0)).get("kind").asText()).isEqualTo("test");
    given()
        .post("/api/alerts/channels/nope/test")
        .then()
        .statusCode(404)
        .contentType("application/problem+json");

    long sent =
        given()
            .get("/api/alerts/deliveries?channel=hook")
            .then()
            .extract()
            .jsonPath()
            .getLong("[0].id");
    given().post("/api/alerts/deliveries/" + sent + "/retry").then().statusCode(409);
    given().post("/api/alerts/channels/refusing/test").then().statusCode(202);
    untilRefusedOnce();
    long failed =
        given()
            .get("/api/alerts/deliveries?channel=refusing&status=failed")
            .then()
            .extract()
            .jsonPath()
            .getLong("[0].id");
    given()
        .post("/api/alerts/deliveries/" + failed + "/retry")
        .then()
        .statusCode(200)
        .body("status", equalTo("pending"));
    until("tried again", () -> Receivers.at("/refusing").size() == 2);
  }

  @Test
  void theSettingsPageShowsChannelsFailuresAndTakesAMaintenanceWindow() throws Exception {
    given()
        .post("/settings/alerts/channels/refusing/test")
        .then()
        .statusCode(200)
        .body(org.hamcrest.Matchers.containsString("queued for refusing"));
    untilRefusedOnce();
    String page = given().get("/settings").then().statusCode(200).extract().asString();
    assertThat(page)
        .contains("id=\"alert-channels\"", "data-channel=\"tg\"", "chat -1001 via")
        .contains("HTTP 400 from 127.0.0.1")
        .contains("Detour test message")
        .doesNotContain(Receivers.BOT_TOKEN, Receivers.SECRET);
    given()
        .formParam("hours", "soon")
        .formParam("group", "lab")
        .post("/settings/alerts/silences")
        .then()
        .statusCode(400)
        .body(org.hamcrest.Matchers.containsString("how many hours, e.g. 2 or 0.5"));
    given()
        .formParam("hours", "1.5")
        .formParam("group", "lab")
        .formParam("comment", "ISP works tonight")
        .redirects()
        .follow(false)
        .post("/settings/alerts/silences")
        .then()
        .statusCode(303);
    given()
        .get("/api/alerts/silences")
        .then()
        .body("[0].group", equalTo("lab"))
        .body("[0].comment", equalTo("ISP works tonight"));
    assertThat(given().get("/settings").then().extract().asString())
        .contains("group <strong>lab</strong>", "ISP works tonight");
  }
}
