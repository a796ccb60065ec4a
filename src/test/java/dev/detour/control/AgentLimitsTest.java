package dev.detour.control;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The agent's limits as a caller meets them: one request a second and one probe at a time here, so
 * that a second request right after the first is over the limit even on a loaded machine (at 20 a
 * second, 60 requests took 11 s here and never got there). The bucket's arithmetic is {@link
 * RateLimitTest}'s. Requests that count are for 10.0.0.1, refused as private before any packet
 * leaves; the one probe that runs waits on a silent socket on loopback.
 */
@QuarkusTest
@TestProfile(AgentLimitsTest.Limits.class)
class AgentLimitsTest {

  static final String TOKEN = "test-agent-token-limits-0123456789";
  static final String REFUSED = "{\"address\":\"10.0.0.1\",\"ports\":[80],\"probes\":[\"icmp\"]}";

  public static class Limits implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "detour.agent.enabled", "true",
          "detour.agent.token", TOKEN,
          "detour.agent.rate-limit", "1",
          "detour.agent.max-concurrent", "1",
          "detour.probe.timeout", "5s",
          "detour.agent.allow", "127.0.0.0/8");
    }
  }

  static RequestSpecification agent() {
    return given().header("Authorization", "Bearer " + TOKEN).contentType(ContentType.JSON);
  }

  /** A second's quiet: the bucket holds its one token again. */
  @BeforeEach
  void refill() throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(1100);
  }

  private static void refusedAsPrivate() {
    agent().body(REFUSED).post("/agent/v1/probe").then().statusCode(403);
  }

  /**
   * A counted request, then {@code next} right after it, which must find the bucket empty. A stall
   * of a second between the two (a loaded machine) lets it refill, so the pair is tried up to five
   * times; an answer other than 429 must then be what {@code next} gets when let through.
   */
  private static void overTheRateRightAfterACountedOne(
      Supplier<Response> next, int statusWhenLetThrough) throws InterruptedException {
    List<Integer> got = new ArrayList<>();
    for (int attempt = 0; attempt < 5; attempt++) {
      if (attempt > 0) {
        TimeUnit.MILLISECONDS.sleep(1100);
      }
      refusedAsPrivate();
      Response r = next.get();
      got.add(r.statusCode());
      if (r.statusCode() == 429) {
        assertThat(r.header("Retry-After")).isEqualTo("1");
        assertThat(r.jsonPath().getString("detail")).contains("more than 1 requests a second");
        return;
      }
      assertThat(r.statusCode()).isEqualTo(statusWhenLetThrough);
    }
    throw new AssertionError("never over the rate right after a counted request: " + got);
  }

  private static Response probe() {
    return agent().body(REFUSED).post("/agent/v1/probe");
  }

  @Test
  void aSecondRequestWithinTheSecondIs429UntilTheBucketRefills() throws Exception {
    overTheRateRightAfterACountedOne(AgentLimitsTest::probe, 403);
    agent().get("/agent/v1/health").then().statusCode(200).body("status", equalTo("up"));
    TimeUnit.MILLISECONDS.sleep(1100);
    refusedAsPrivate();
    // A resolve counts as much as a probe. The name is no name: let through, it would be refused
    // (400) before any lookup.
    TimeUnit.MILLISECONDS.sleep(1100);
    overTheRateRightAfterACountedOne(
        () -> agent().body("{\"name\":\"not a name!\"}").post("/agent/v1/resolve"), 400);
  }

  @Test
  void strangersWithoutTheTokenSpendNoneOfIt() {
    for (int i = 0; i < 20; i++) {
      given()
          .contentType(ContentType.JSON)
          .body(REFUSED)
          .post("/agent/v1/probe")
          .then()
          .statusCode(401);
    }
    // Had the strangers spent the bucket, this would be 429.
    refusedAsPrivate();
  }

  @Test
  void aProbeBeyondMaxConcurrentIs429WhileOneRuns() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<Socket> held = new CopyOnWriteArrayList<>();
      Thread acceptor =
          new Thread(
              () -> {
                while (!silent.isClosed()) {
                  try {
                    held.add(silent.accept());
                  } catch (IOException closed) {
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
      CompletableFuture<Integer> first =
          CompletableFuture.supplyAsync(
              () -> agent().body(slow).post("/agent/v1/probe").statusCode());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (held.isEmpty() && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(20);
      }
      assertThat(held).as("the first probe waits on the silent socket").isNotEmpty();
      // Past the rate limit's second, so what refuses this one is the concurrency limit.
      TimeUnit.MILLISECONDS.sleep(1100);
      agent()
          .body(slow)
          .post("/agent/v1/probe")
          .then()
          .statusCode(429)
          .header("Retry-After", "1")
          .body("detail", containsString("running 1 probes already"));
      assertThat(first.get(30, TimeUnit.SECONDS)).isEqualTo(200);
      for (Socket s : held) {
        s.close();
      }
    }
  }
}
