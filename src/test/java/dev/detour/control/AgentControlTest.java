package dev.detour.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.sun.net.httpserver.HttpServer;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.http.BlockPages;
import dev.detour.probe.http.HttpProbe;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.ConnectProbe;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.SynProbe;
import dev.detour.probe.tcp.TcpSynEvidence;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The control agent's client against a real HTTP server on loopback: evidence comes back typed as
 * local probes make it, and an agent answering nonsense — bad JSON, the wrong shapes, a huge body,
 * an error — is an I/O failure, never a crash or a made-up verdict.
 */
class AgentControlTest {

  static final ObjectMapper JSON =
      new ObjectMapper()
          .findAndRegisterModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

  HttpServer server;
  final AtomicReference<byte[]> body = new AtomicReference<>(new byte[0]);
  final AtomicReference<Integer> status = new AtomicReference<>(200);
  final AtomicReference<String> authorization = new AtomicReference<>();
  AgentControl agent;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/agent/v1/",
        exchange -> {
          authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
          exchange.getRequestBody().readAllBytes();
          byte[] answer = body.get();
          exchange.sendResponseHeaders(status.get(), answer.length == 0 ? -1 : answer.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer);
          } catch (IOException clientGaveUp) {
            // The client refused a huge answer half-way: that is the point.
          }
        });
    server.start();
    Probes probes =
        new Probes(
            List.<Probe<?>>of(
                new SynProbe(Duration.ofMillis(100)),
                new IcmpProbe(1, Duration.ofMillis(10), Duration.ofMillis(10)),
                new ConnectProbe(Duration.ofMillis(100)),
                new HttpProbe(
                    Duration.ofMillis(100),
                    Duration.ofMillis(100),
                    new BlockPages(List.of(), List.of()))));
    agent =
        new AgentControl(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort()),
            "secret-token-0123456789",
            Duration.ofSeconds(5),
            probes);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  void answer(int code, String text) {
    status.set(code);
    body.set(text.getBytes(StandardCharsets.UTF_8));
  }

  ProbeService.Run probe() throws IOException {
    return agent.probe(
        "198.18.0.1",
        InetAddress.getByName("198.18.0.1"),
        null,
        List.of(80),
        Set.of(SynProbe.KIND, IcmpProbe.KIND));
  }

  @Test
  void evidenceComesBackAsTheRecordsLocalProbesMake() throws Exception {
    PacketView sent =
        new PacketView(
            1,
            "192.0.2.1",
            "198.18.0.1",
            64,
            3,
            true,
            0,
            60,
            6,
            new PacketView.Tcp(61005, 80, "S", 10, 0, 64240, List.of("mss 1460", "sackOK"), 0),
            null,
            null);
    PacketView synAck =
        new PacketView(
            2,
            "198.18.0.1",
            "192.0.2.1",
            61,
            0,
            true,
            0,
            60,
            6,
            new PacketView.Tcp(80, 61005, "S.", 99, 11, 65160, List.of("mss 1460"), 0),
            null,
            null);
    TcpSynEvidence syns =
        new TcpSynEvidence(
            List.of(
                new SynEvidence(SynShape.LINUX, 80, sent, List.of(synAck), SynAnswer.SYN_ACK, 7)));
    IcmpEvidence echo = new IcmpEvidence("198.18.0.1", 3, List.of(), List.of(), -1);
    ProbeService.Run run =
        new ProbeService.Run(
            null,
            "198.18.0.1",
            "198.18.0.1",
            null,
            null,
            Instant.now(),
            List.of(
                new ProbeResult(SynProbe.KIND, ProbeResult.Status.OK, null, 8, syns, List.of()),
                new ProbeResult(IcmpProbe.KIND, ProbeResult.Status.OK, null, 9, echo, List.of()),
                new ProbeResult(
                    HttpProbe.KIND, ProbeResult.Status.UNAVAILABLE, "no", 0, null, null)));
    answer(200, JSON.writeValueAsString(run));

    ProbeService.Run back = probe();

    assertThat(authorization.get()).isEqualTo("Bearer secret-token-0123456789");
    assertThat(back.results()).hasSize(3);
    assertThat(back.results().get(0).evidence()).isEqualTo(syns);
    assertThat(back.results().get(1).evidence()).isEqualTo(echo);
    assertThat(back.results().get(2).status()).isEqualTo(ProbeResult.Status.UNAVAILABLE);
    assertThat(back.device()).isEqualTo("agent");
  }

  @Test
  void nonsenseFromTheAgentIsAFailureNotACrash() {
    answer(200, "{not json");
    assertThatThrownBy(this::probe)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not JSON");
    answer(200, "{\"results\":[{\"probe\":\"tcp_syn\",\"status\":\"ok\",\"evidence\":\"oops\"}]}");
    assertThatThrownBy(this::probe)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not TcpSynEvidence");
    answer(200, "{\"results\":[{\"probe\":\"warp_drive\",\"status\":\"ok\"}]}");
    assertThatThrownBy(this::probe).hasMessageContaining("unknown probe");
    answer(200, "{\"results\":[{\"probe\":\"icmp\",\"status\":\"ok\"}]}");
    assertThatThrownBy(this::probe).hasMessageContaining("has no evidence");
  }

  @Test
  void aHugeAnswerIsRefusedUnread() {
    byte[] huge = new byte[AgentControl.MAX_ANSWER + 1024];
    java.util.Arrays.fill(huge, (byte) ' ');
    status.set(200);
    body.set(huge);
    assertThatThrownBy(this::probe).isInstanceOf(IOException.class).hasMessageContaining("refused");
  }

  @Test
  void anAgentSayingNoIsUnhealthyAndSaysWhy() {
    answer(401, "{\"title\":\"Unauthorized\"}");
    ControlVantage.Health health = agent.health();
    assertThat(health.ok()).isFalse();
    assertThat(health.detail()).contains("HTTP 401");
    assertThatThrownBy(this::probe).hasMessageContaining("HTTP 401");
  }

  @Test
  void anAgentNobodyAnswersIsUnhealthy() {
    server.stop(0);
    assertThat(agent.health().ok()).isFalse();
  }
}
