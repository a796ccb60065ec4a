package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.Rendering;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.SynProbe;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.verdict.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evidence and the drawings of the watch page, from the records the probes made. */
class EvidenceViewTest {

  static final Instant AT = Instant.parse("2026-12-01T10:00:00Z");

  static PacketView packet(long nanos, int ttl, String flags, String source) {
    return new PacketView(
        nanos,
        source,
        "10.0.0.2",
        ttl,
        0,
        false,
        0,
        flags.equals("S") ? 60 : 40,
        6,
        new PacketView.Tcp(443, 61000, flags, 0, 2, 0, List.of(), 0),
        null,
        null);
  }

  /** A round like the seed's: the SYN reset 2 ms after it left here, a SYN-ACK at the control. */
  static RoundEvidence seedRound() {
    PacketView sent = packet(1_000_000_000L, 64, "S", "10.0.0.2");
    SynEvidence here =
        new SynEvidence(
            SynShape.LINUX,
            443,
            sent,
            List.of(
                packet(1_002_000_000L, 58, "R.", "198.18.0.5"),
                packet(1_002_100_000L, 58, "R", "198.18.0.5")),
            SynAnswer.RST,
            2000);
    SynEvidence there =
        new SynEvidence(
            SynShape.LINUX,
            443,
            packet(5_000_000_000L, 64, "S", "10.9.0.2"),
            List.of(packet(5_041_000_000L, 52, "S.", "198.18.0.5")),
            SynAnswer.SYN_ACK,
            41000);
    Verdict blocked =
        Verdict.blocked(
            TcpRule.TCP_RST_INJECTED,
            0.95,
            List.of("two resets answered the SYN within 2 ms, the control got a SYN-ACK"),
            false);
    ProbeService.Run local =
        new ProbeService.Run(
            "run-1",
            "198.18.0.5",
            "198.18.0.5",
            null,
            null,
            AT,
            List.of(
                new ProbeResult(
                    SynProbe.KIND,
                    ProbeResult.Status.OK,
                    null,
                    300,
                    new TcpSynEvidence(List.of(here)),
                    List.of("syn.pcap"))));
    ProbeService.Run control =
        new ProbeService.Run(
            "run-2",
            "198.18.0.5",
            "198.18.0.5",
            null,
            "vx0",
            AT,
            List.of(
                new ProbeResult(
                    SynProbe.KIND,
                    ProbeResult.Status.OK,
                    null,
                    90,
                    new TcpSynEvidence(List.of(there)),
                    null),
                new ProbeResult(
                    IcmpProbe.KIND,
                    ProbeResult.Status.UNAVAILABLE,
                    "no CAP_NET_RAW",
                    0,
                    null,
                    null)));
    return new RoundEvidence(
        AT,
        812,
        "interface",
        null,
        null,
        List.of(new AddressEvidence("198.18.0.5", null, local, control, blocked)),
        blocked);
  }

  /** A page frozen here after 12,300 bytes that came whole through the tunnel. */
  static RoundEvidence frozenRound() {
    var here =
        new dev.detour.probe.transfer.TransferEvidence(
            "https://s14.lab.test:443/",
            "198.18.0.14",
            "s14.lab.test",
            dev.detour.probe.http.HttpStage.RESPONSE,
            "nothing came for 2000 ms",
            null,
            dev.detour.probe.transfer.TransferEvidence.End.STALLED,
            12_300,
            40,
            2_100,
            12_300,
            -1,
            100,
            java.util.Collections.nCopies(21, 12_300L));
    var there =
        new dev.detour.probe.transfer.TransferEvidence(
            "https://s14.lab.test:443/",
            "198.18.0.14",
            "s14.lab.test",
            dev.detour.probe.http.HttpStage.RESPONSE,
            null,
            200,
            dev.detour.probe.transfer.TransferEvidence.End.COMPLETE,
            206_491,
            4,
            54,
            -1,
            165_192_800,
            100,
            List.of(206_491L));
    Verdict frozen =
        Verdict.blocked(
            dev.detour.probe.transfer.TransferRule.TRANSFER_STALLED,
            0.85,
            List.of("https://s14.lab.test:443/ froze after 12,300 bytes"),
            true);
    ProbeService.Run local =
        new ProbeService.Run(
            "run-3",
            "s14.lab.test",
            "198.18.0.14",
            "s14.lab.test",
            null,
            AT,
            List.of(
                new ProbeResult(
                    dev.detour.probe.transfer.TransferProbe.KIND,
                    ProbeResult.Status.OK,
                    null,
                    2_100,
                    here,
                    null)));
    ProbeService.Run control =
        new ProbeService.Run(
            "run-4",
            "s14.lab.test",
            "198.18.0.14",
            "s14.lab.test",
            "vx0",
            AT,
            List.of(
                new ProbeResult(
                    dev.detour.probe.transfer.TransferProbe.KIND,
                    ProbeResult.Status.OK,
                    null,
                    54,
                    there,
                    null)));
    return new RoundEvidence(
        AT,
        2_200,
        "interface",
        null,
        null,
        List.of(new AddressEvidence("198.18.0.14", null, local, control, frozen)),
        frozen);
  }

  @Test
  void aTransferIsDrawnHereAndThroughTheControlOnOneScale() {
    Probes probes =
        new Probes(
            List.<Probe<?>>of(
                new dev.detour.probe.transfer.TransferProbe(
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(2),
                    262_144,
                    Duration.ofSeconds(10),
                    10)));
    EvidenceView v = EvidenceView.of(frozenRound(), probes);
    List<Charts.Flow> charts = v.addresses().get(0).charts();
    assertThat(charts).hasSize(1);
    assertThat(charts.get(0).kind()).isEqualTo("transfer");
    assertThat(charts.get(0).most()).isEqualTo("206,491");
    assertThat(charts.get(0).here()).startsWith("M0 80.0 L");
    // The control's whole page in 54 ms, on the 2.1 s scale of the freeze here.
    assertThat(charts.get(0).control()).isEqualTo("M0 80.0 L7.7 0.0");
    assertThat(charts.get(0).seconds()).isEqualTo("2.1 s");
    assertThat(v.addresses().get(0).local().probes().get(0).outcome())
        .isEqualTo("stalled after 12,300 bytes");
  }

  static Probes probes() {
    return new Probes(
        List.<Probe<?>>of(
            new SynProbe(Duration.ofMillis(100)),
            new IcmpProbe(1, Duration.ofMillis(10), Duration.ofMillis(10))));
  }

  @Test
  void laysOutBothVantagesPacketByPacket() {
    EvidenceView v = EvidenceView.of(seedRound(), probes());
    assertThat(v.state()).isEqualTo("blocked");
    assertThat(v.method()).isEqualTo("tcp_rst_injected");
    assertThat(v.reasons())
        .containsExactly("two resets answered the SYN within 2 ms, the control got a SYN-ACK");
    EvidenceView.Address a = v.addresses().get(0);
    EvidenceView.ProbeBlock here = a.local().probes().get(0);
    assertThat(here.outcome()).isEqualTo("1 SYNs, 1 answered, 2 resets");
    assertThat(here.lines())
        .extracting(Rendering.Line::mark)
        .containsExactly("", "sent", "bad", "bad");
    assertThat(here.lines().get(0).text())
        .isEqualTo("# linux SYN (60 bytes) to port 443: rst, 2 resets");
    assertThat(here.lines().get(2).text())
        .startsWith("< +2.000 ms IP (tos 0x0, ttl 58, id 0")
        .contains("Flags [R.]");
    assertThat(here.pcaps())
        .extracting(EvidenceView.Link::href)
        .containsExactly("/api/probe/captures/run-1/syn.pcap");
    EvidenceView.ProbeBlock there = a.control().probes().get(0);
    assertThat(there.lines().get(2).mark()).isEqualTo("answer");
    assertThat(there.lines().get(2).text()).startsWith("< +41.000 ms");
    assertThat(a.control().probes().get(1).outcome()).isEqualTo("unavailable: no CAP_NET_RAW");
    assertThat(a.sides()).hasSize(2);
    assertThat(EvidenceView.of(null, probes())).isNull();
  }

  @Test
  void aStoredRoundReadsBackIntoTheRecordsItsProbesMade() throws Exception {
    Probes probes = probes();
    ObjectMapper json = new ObjectMapper().findAndRegisterModules().registerModule(probes.module());
    String stored = json.writeValueAsString(seedRound());
    RoundEvidence back = new StoredRounds(json).round(stored);
    ProbeResult syn = back.addresses().get(0).local().results().get(0);
    assertThat(syn.evidence()).isInstanceOf(TcpSynEvidence.class);
    assertThat(((TcpSynEvidence) syn.evidence()).syns().get(0).answer()).isEqualTo(SynAnswer.RST);
    assertThat(back.verdict().method()).isSameAs(TcpRule.TCP_RST_INJECTED);
    assertThat(EvidenceView.of(back, probes).addresses().get(0).local().probes().get(0).outcome())
        .isEqualTo("1 SYNs, 1 answered, 2 resets");
  }

  @Test
  void aResultOfAProbeThisVersionLacksStillShowsTheRest() throws Exception {
    Probes probes = probes();
    ObjectMapper json = new ObjectMapper().findAndRegisterModules().registerModule(probes.module());
    String stored =
        json.writeValueAsString(seedRound())
            .replaceFirst("\"probe\":\"tcp_syn\"", "\"probe\":\"quic\"");
    EvidenceView v = EvidenceView.of(new StoredRounds(json).round(stored), probes);
    EvidenceView.ProbeBlock gone = v.addresses().get(0).local().probes().get(0);
    assertThat(gone.kind()).isEqualTo("quic");
    assertThat(gone.outcome()).startsWith("failed: cannot read it back: an unknown probe: quic");
    assertThat(v.addresses().get(0).control().probes().get(0).outcome())
        .isEqualTo("1 SYNs, 1 answered");
  }

  @Test
  void aTransfersCurvesAreDrawnOnOneScaleHereAndThroughTheControl() {
    // Frozen here after 16 KB (flat for two seconds); 200 KB in 0.1 s through the tunnel.
    var here =
        List.of(
            new dev.detour.probe.Rendering.Point(100, 16_000),
            new dev.detour.probe.Rendering.Point(1_100, 16_000),
            new dev.detour.probe.Rendering.Point(2_100, 16_000));
    var there = List.of(new dev.detour.probe.Rendering.Point(100, 200_000));
    Charts.Flow f = Charts.flow("transfer", here, there);
    assertThat(f.seconds()).isEqualTo("2.1 s");
    assertThat(f.most()).isEqualTo("200,000");
    // 16 KB of 200 KB is a twelfth of the height: y = 80 - 6.4.
    assertThat(f.here()).isEqualTo("M0 80.0 L14.3 73.6 L157.1 73.6 L300.0 73.6");
    assertThat(f.control()).isEqualTo("M0 80.0 L14.3 0.0");
    assertThat(Charts.flow("transfer", here, List.of()).control())
        .as("no control vantage: nothing drawn there")
        .isEmpty();
  }
}
