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
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Detour as a control agent: a token on every request, private and reserved targets refused before
 * any packet leaves, only the probes that ask "does it work from here". The one probe that runs
 * goes to a socket on loopback, allowed by {@code detour.agent.allow}. The rate and concurrency
 * limits are {@link AgentLimitsTest}'s.
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

  @io.quarkus.test.common.http.TestHTTPResource("/agent/v1/probe")
  java.net.URL probe;

  @Test
  void aBodyOfUnknownLengthIsRefusedUnread() throws Exception {
    java.net.http.HttpResponse<String> chunked =
        dev.detour.testing.Chunked.post(probe, "{}", "Authorization", "Bearer " + TOKEN);
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(411);
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
            equalTo("the agent runs only icmp, tcp_syn, tcp_connect, http, transfer, quic, tls"));
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
}
