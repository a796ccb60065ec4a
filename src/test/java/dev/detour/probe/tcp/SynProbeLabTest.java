package dev.detour.probe.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.ProbePorts;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.packet.Tcpdump;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The raw SYN probe, run from the lab's home, against each TCP scenario of the censor. */
class SynProbeLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();
  final SynProbe probe = new SynProbe(Duration.ofMillis(1500));

  Map<SynShape, SynEvidence> probe(String address, String device) throws Exception {
    Inet4Address target = (Inet4Address) InetAddress.getByName(address);
    List<SynEvidence> evidence =
        NetNs.call(lab.namespace("home"), () -> probe.probe(target, 80, device, null));
    return evidence.stream().collect(Collectors.toMap(SynEvidence::shape, Function.identity()));
  }

  @Test
  void aCleanHostAnswersBothShapesWithSynAckFromThreeHopsAway() throws Exception {
    Map<SynShape, SynEvidence> seen = probe(Lab.WEB1, null);
    for (SynEvidence e : seen.values()) {
      assertThat(e.answer()).isEqualTo(SynAnswer.SYN_ACK);
      assertThat(e.answers().get(0).ttl()).isEqualTo(61);
      assertThat(e.sent().length()).isEqualTo(e.shape().length());
      assertThat(e.sent().tcp().sourcePort()).isBetween(ProbePorts.FIRST, ProbePorts.last());
    }
    assertThat(seen.get(SynShape.LINUX).sent().tcp().options())
        .containsExactly("mss 1460", "sackOK", "TS", "nop", "wscale 7");
    assertThat(seen.get(SynShape.BARE).sent().tcp().options()).containsExactly("mss 1460");
  }

  @Test
  void seesTheSeedsForgedRstThatConnectNeverReports() throws Exception {
    lab.block("rst-seed", Lab.WEB2, "80");
    try {
      for (SynEvidence e : probe(Lab.WEB2, null).values()) {
        assertThat(e.answer()).isEqualTo(SynAnswer.RST);
        PacketView rst = e.answers().get(0);
        assertThat(rst.ttl()).isEqualTo(58);
        assertThat(rst.ipId()).isEqualTo(1);
        assertThat(rst.dontFragment()).isFalse();
        assertThat(rst.tcp().seq()).isZero();
        assertThat(Tcpdump.line(rst))
            .startsWith(
                "IP (tos 0x0, ttl 58, id 1, offset 0, flags [none], proto TCP (6), length 40)")
            .contains("Flags [R], seq 0, win");
      }
      // Through the tunnel the host answers.
      for (SynEvidence e : probe(Lab.WEB2, "vx0").values()) {
        assertThat(e.answer()).isEqualTo(SynAnswer.SYN_ACK);
      }
    } finally {
      lab.unblock("rst-seed", Lab.WEB2, "80");
    }
  }

  @Test
  void theBareSynPassesWhereTheLinuxOneIsReset() throws Exception {
    lab.block("dpi-syn", Lab.WEB2, "80");
    try {
      Map<SynShape, SynEvidence> seen = probe(Lab.WEB2, null);
      assertThat(seen.get(SynShape.BARE).answer()).isEqualTo(SynAnswer.SYN_ACK);
      assertThat(seen.get(SynShape.BARE).answers().get(0).ttl()).isEqualTo(61);
      assertThat(seen.get(SynShape.LINUX).answer()).isEqualTo(SynAnswer.RST);
      assertThat(seen.get(SynShape.LINUX).answers().get(0).ttl()).isEqualTo(8);
    } finally {
      lab.unblock("dpi-syn", Lab.WEB2, "80");
    }
  }

  @Test
  void aWellFormedInjectedRstAndAGenuineOneDifferInTtl() throws Exception {
    lab.block("rst", Lab.WEB2, "80");
    lab.block("closed", Lab.WEB5, "80");
    try {
      SynEvidence injected = probe(Lab.WEB2, null).get(SynShape.LINUX);
      SynEvidence genuine = probe(Lab.WEB5, null).get(SynShape.LINUX);
      assertThat(injected.answer()).isEqualTo(SynAnswer.RST_ACK);
      assertThat(genuine.answer()).isEqualTo(SynAnswer.RST_ACK);
      assertThat(injected.answers().get(0).ttl()).isEqualTo(58);
      assertThat(genuine.answers().get(0).ttl()).isEqualTo(61);
      assertThat(injected.answers().get(0).tcp().ack()).isEqualTo(injected.sent().tcp().seq() + 1);
    } finally {
      lab.unblock("rst", Lab.WEB2, "80");
      lab.unblock("closed", Lab.WEB5, "80");
    }
  }

  @Test
  void aBlackHoleTimesOut() throws Exception {
    lab.block("blackhole", Lab.WEB2, "80");
    try {
      for (SynEvidence e : probe(Lab.WEB2, null).values()) {
        assertThat(e.answer()).isEqualTo(SynAnswer.TIMEOUT);
        assertThat(e.answers()).isEmpty();
        assertThat(e.firstAnswerMicros()).isEqualTo(-1);
      }
    } finally {
      lab.unblock("blackhole", Lab.WEB2, "80");
    }
  }

  @Test
  void writesTheExchangeAsAPcapThatTcpdumpReads() throws Exception {
    lab.block("rst-seed", Lab.WEB2, "80");
    Path dir = Files.createTempDirectory("syn-pcap");
    try {
      Inet4Address target = (Inet4Address) InetAddress.getByName(Lab.WEB2);
      NetNs.call(
          lab.namespace("home"),
          () -> probe.probe(target, 80, SynShape.LINUX, null, dir.resolve("x.pcap")));
      Process read =
          new ProcessBuilder("tcpdump", "-nn", "-v", "-r", dir.resolve("x.pcap").toString())
              .redirectErrorStream(true)
              .start();
      String lines = new String(read.getInputStream().readAllBytes());
      assertThat(lines)
          .contains("length 60")
          .contains("ttl 58, id 1, offset 0, flags [none], proto TCP (6), length 40")
          .contains("Flags [R]");
    } finally {
      lab.unblock("rst-seed", Lab.WEB2, "80");
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      Files.delete(dir);
    }
  }
}
