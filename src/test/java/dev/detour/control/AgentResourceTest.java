package dev.detour.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Detour as a control agent: a token on every request, private and reserved targets refused before
 * any packet leaves, only the probes that ask "does it work from here", a rate limit. The one probe
 * that runs goes to a socket on loopback, allowed by {@code detour.agent.allow}. The bucket's
 * arithmetic is {@link RateLimitTest}'s; here the limits as a caller meets them.
 */
@QuarkusTest
@TestProfile(AgentResourceTest.Agent.class)
class AgentResourceTest {

  static final String TOKEN = "test-agent-token-0123456789";

  public static class Agent implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "detour.agent.enabled", "true",
          "detour.agent.token", TOKEN,
          "detour.agent.rate-limit", "20",
          "detour.agent.max-concurrent", "1",
          "detour.probe.timeout", "3s",
          "detour.agent.allow", "127.0.0.0/8");
    }
  }

  static io.restassured.specification.RequestSpecification agent() {
    return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
  }

  @Test
  void noTokenOrTheWrongOneIsUnauthorized() {
    given()
        .get("/agent/v1/health")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Bearer"))
        .contentType("application/problem+json");
    given()
        .header("Authorization", "Bearer " + TOKEN + "x")
        .contentType(ContentType.JSON)
        .body("{}")
        .post("/agent/v1/probe")
        .then()
        .statusCode(401);
    agent().get("/agent/v1/health").then().statusCode(200).body("status", equalTo("up"));
  }

  @Test
  void aBodyLargerThanAnyProbeRequestIsRefusedUnread() {
    String huge = "{\"address\":\"" + "1".repeat(100_000) + "\"}";
    agent().body(huge).post("/agent/v1/probe").then().statusCode(413);
    // Without the token even a huge body is only a 401: it is never read.
    given().contentType(ContentType.JSON).body(huge).post("/agent/v1/probe").then().statusCode(401);
  }

  @Test
  void privateAndReservedTargetsAreRefused() {
    for (String address :
        new String[] {"10.1.2.3", "192.168.1.1", "198.18.0.1", "169.254.1.1", "::1"}) {
      agent()
          .body("{\"address\":\"" + address + "\",\"ports\":[80],\"probes\":[\"tcp_connect\"]}")
          .post("/agent/v1/probe")
          .then()
          .statusCode(403)
          .body("type", equalTo("urn:detour:problem:forbidden-target"))
          .body("detail", containsString("the agent probes public addresses only"));
    }
  }

  @Test
  void badRequestsSayWhatToFix() {
    agent()
        .body(
            "{\"address\":\"not-an-ip\",\"name\":\"bad name!\",\"ports\":[0,70000],"
                + "\"probes\":[\"trace\"]}")
        .post("/agent/v1/probe")
        .then()
        .statusCode(400)
        .body("errors.field", hasItems("address", "name", "ports[0]", "ports[1]", "probes"))
        .body(
            "errors.find { it.field == 'probes' }.message",
            equalTo("the agent runs only icmp, tcp_syn, tcp_connect, http, tls"));
  }

  @Test
  void anAllowedTargetIsProbedAndItsEvidenceReturned() throws Exception {
    try (ServerSocket listening = new ServerSocket(0)) {
      agent()
          .body(
              "{\"address\":\"127.0.0.1\",\"ports\":["
                  + listening.getLocalPort()
                  + "],"
                  + "\"probes\":[\"tcp_connect\"]}")
          .post("/agent/v1/probe")
          .then()
          .statusCode(200)
          .body("results[0].probe", equalTo("tcp_connect"))
          .body("results[0].evidence.attempts[0].outcome", equalTo("connected"));
    }
  }

  @Test
  void beyondTheRateLimitComes429() {
    int limited = 0;
    for (int i = 0; i < 60 && limited == 0; i++) {
      Response r =
          agent()
              .body("{\"address\":\"10.0.0.1\",\"ports\":[80],\"probes\":[\"icmp\"]}")
              .post("/agent/v1/probe");
      if (r.statusCode() == 429) {
        limited++;
        assertThat(r.header("Retry-After")).isEqualTo("1");
      }
    }
    assertThat(limited).as("a 429 within 60 quick requests at 20/s").isEqualTo(1);
  }

  /** Probe requests until one is turned away (at most {@code max}); how many were admitted. */
  private static int untilLimited(int max) {
    for (int i = 0; i < max; i++) {
      Response r =
          agent()
              .body("{\"address\":\"10.0.0.1\",\"ports\":[80],\"probes\":[\"icmp\"]}")
              .post("/agent/v1/probe");
      if (r.statusCode() == 429) {
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.jsonPath().getString("detail")).contains("more than 20 requests a second");
        return i;
      }
      // Refused as a private address: counted, and no packet sent.
      assertThat(r.statusCode()).isEqualTo(403);
    }
    return -1;
  }

  @Test
  void theLimitRefillsAndStrangersSpendNoneOfIt() throws Exception {
    Thread.sleep(1100);
    // A stranger's flood is turned away at the door, before the bucket.
    for (int i = 0; i < 50; i++) {
      given()
          .contentType(ContentType.JSON)
          .body("{\"address\":\"10.0.0.1\",\"ports\":[80],\"probes\":[\"icmp\"]}")
          .post("/agent/v1/probe")
          .then()
          .statusCode(401);
    }
    assertThat(untilLimited(200))
        .as("the holder of the token still has a second's worth (20) and more as it refills")
        .isGreaterThanOrEqualTo(20);
    agent().get("/agent/v1/health").then().statusCode(200).body("status", equalTo("up"));
    Thread.sleep(1100);
    assertThat(untilLimited(200))
        .as("a second later the bucket is full again")
        .isGreaterThanOrEqualTo(20);
  }

  @Test
  void probesBeyondMaxConcurrentAre429WhileOneRuns() throws Exception {
    Thread.sleep(1100);
    try (ServerSocket silent = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      java.util.List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept());
                  } catch (java.io.IOException closed) {
                    return;
                  }
                }
              });
      acceptor.setDaemon(true);
      acceptor.start();
      String slow =
          "{\"address\":\"127.0.0.1\",\"ports\":["
              + silent.getLocalPort()
              + "],\"probes\":[\"http\"]}";
      java.util.concurrent.CompletableFuture<Integer> first =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> agent().body(slow).post("/agent/v1/probe").statusCode());
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (held.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(held).as("the first probe is waiting on the silent socket").isNotEmpty();
      agent()
          .body(slow)
          .post("/agent/v1/probe")
          .then()
          .statusCode(429)
          .header("Retry-After", "1")
          .body("detail", containsString("running 1 probes already"));
      assertThat(first.get(30, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(200);
      for (java.net.Socket s : held) {
        s.close();
      }
    }
  }
}
