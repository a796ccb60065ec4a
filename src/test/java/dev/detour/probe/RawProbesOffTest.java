package dev.detour.probe;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.detour.lab.PeerNamespace;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Without raw packets, raw probes say why, and TCP falls back to plain connect(). */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
@TestProfile(RawProbesOffTest.RawOff.class)
class RawProbesOffTest {

  public static class RawOff implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("detour.probe.raw", "false");
    }
  }

  @RegisterExtension static final PeerNamespace peer = new PeerNamespace();

  @Test
  void rawProbesAreUnavailableAndConnectStillTellsOpenFromClosed() {
    given()
        .contentType(ContentType.JSON)
        .body(
            "{\"target\": \""
                + peer.address()
                + "\", \"ports\": [80, 81], \"probes\": [\"icmp\", \"tcp_syn\", \"http\"]}")
        .post("/api/probe")
        .then()
        .statusCode(200)
        .body("results.probe", contains("icmp", "tcp_syn", "tcp_connect", "http"))
        .body("results[0].status", equalTo("unavailable"))
        .body("results[1].status", equalTo("unavailable"))
        .body("results[1].problem", containsString("detour.probe.raw=false"))
        .body("results[2].status", equalTo("ok"))
        .body("results[2].evidence.attempts.outcome", contains("connected", "refused"))
        .body("results[3].evidence.pages[0].status", equalTo(200));
  }
}
