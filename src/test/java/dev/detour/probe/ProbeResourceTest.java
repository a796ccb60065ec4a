package dev.detour.probe;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;

import dev.detour.lab.PeerNamespace;
import dev.detour.probe.packet.KernelGuard;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The "what does my ISP do to this address" API, probing a peer host in a namespace of its own (raw
 * probes need a real link: the kernel answers nothing crafted onto loopback).
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ProbeResourceTest {

  @RegisterExtension static final PeerNamespace peer = new PeerNamespace();

  @Test
  void probesATargetNowAndKeepsThePackets() {
    JsonPath run =
        given()
            .contentType(ContentType.JSON)
            .body(
                "{\"target\": \""
                    + peer.address()
                    + "\", \"ports\": [80], \"probes\": [\"icmp\", \"tcp_syn\","
                    + " \"http\", \"tls\", \"trace\"]}")
            .post("/api/probe")
            .then()
            .statusCode(200)
            .body("address", equalTo(peer.address()))
            .body("results", hasSize(5))
            .body("results.status", everyItem(equalTo("ok")))
            .extract()
            .jsonPath();
    // The peer speaks no TLS: its handshakes fail, and the TLS probe still reports them.
    assertThat(run.getList("results.probe"))
        .containsExactly("icmp", "tcp_syn", "http", "tls", "trace");
    assertThat(run.getList("results[0].evidence.replies")).hasSize(3);
    assertThat(run.getList("results[1].evidence.syns.answer", String.class))
        .containsOnly("syn_ack")
        .hasSize(2);
    assertThat(run.getString("results[2].evidence.pages[0].title")).isEqualTo("peer");
    assertThat(run.getList("results[3].evidence.handshakes.sni", String.class))
        .containsExactly("target", "target", "target", "none", "decoy");
    assertThat(run.getList("results[3].evidence.handshakes.shape", String.class))
        .containsExactly("java", "browser", "browser_ech", "java", "java");
    assertThat(run.getList("results[4].evidence.traces.offending", String.class))
        .containsExactly("syn-linux", "http-request");
    assertThat(run.getList("results[4].evidence.traces.hostHop", Integer.class))
        .containsExactly(1, 1);

    assertThat(run.getString("results[1].evidence.syns[0].answers[0].tcpdump"))
        .startsWith("IP (tos 0x0, ttl 64, id ")
        .contains("Flags [S.]");
    assertThat(given().accept("text/plain").get("/q/metrics").asString())
        .contains("detour_probes_total{outcome=\"ok\",probe=\"tcp_syn\"")
        .contains("detour_probe_duration_seconds_count{probe=\"http\"")
        .contains("detour_probe_duration_seconds_bucket{probe=\"http\",le=\"0.25\"");

    String capture = run.getString("results[1].captures[0]");
    byte[] pcap =
        given()
            .get("/api/probe/captures/" + run.getString("id") + "/" + capture)
            .then()
            .statusCode(200)
            .contentType("application/vnd.tcpdump.pcap")
            .extract()
            .asByteArray();
    // The little-endian pcap magic number.
    assertThat(pcap).startsWith((byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1);
  }

  @Test
  void badRequestsNameTheFieldToFix() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"149.154.164.0/22\"}")
        .post("/api/probe")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("target"))
        .body("detail", containsString("probe one address inside it"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"127.0.0.1\", \"probes\": [\"smoke\"]}")
        .post("/api/probe")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("probes[0]"));
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"127.0.0.1\", \"probes\": [\"tcp_syn\"], \"device\": \"nosuch0\"}")
        .post("/api/probe")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("device"));
    given().get("/api/probe/captures/0123456789/../../etc.pcap").then().statusCode(404);
    given().get("/api/probe/captures/zz/x.pcap").then().statusCode(404);
  }

  @Test
  void aBareAddressHasNoNameForDns() {
    given()
        .contentType(ContentType.JSON)
        .body("{\"target\": \"127.0.0.1\", \"probes\": [\"dns\"]}")
        .post("/api/probe")
        .then()
        .statusCode(200)
        .body("results[0].status", equalTo("unavailable"))
        .body("results[0].problem", containsString("no name"));
  }

  @Test
  void theKernelIsKeptFromResettingProbeConnections() throws Exception {
    Process nft = new ProcessBuilder("nft", "list", "table", "inet", KernelGuard.TABLE).start();
    String table = new String(nft.getInputStream().readAllBytes());
    assertThat(table).contains("tcp sport 61000-61999").contains("drop");
  }
}
