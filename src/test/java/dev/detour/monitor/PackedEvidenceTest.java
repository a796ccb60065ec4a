package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.SynProbe;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.verdict.Verdict;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A round's evidence packed between rounds reads back as the very JSON it was, in far less. */
class PackedEvidenceTest {

  private final ObjectMapper json =
      JsonMapper.builder()
          .findAndAddModules()
          .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
          .build();

  /** An address that answered both SYN shapes, as a round of an up watch keeps it. */
  static RoundEvidence upRound(String address, int seq) {
    List<SynEvidence> syns = new ArrayList<>();
    for (SynShape shape : SynShape.values()) {
      PacketView sent = packet(address, false, shape.length(), "S", seq, 0);
      PacketView answer = packet(address, true, 60, "S.", 77_000 + seq, seq + 1);
      syns.add(new SynEvidence(shape, 443, sent, List.of(answer), SynAnswer.SYN_ACK, 1_234));
    }
    Instant at = Instant.parse("2026-12-02T15:00:00Z");
    ProbeService.Run run =
        new ProbeService.Run(
            "0f8e5d1c-3b2a-4c5d-8e9f-001122334455",
            address,
            address,
            null,
            "eth0",
            at,
            List.of(
                new ProbeResult(
                    SynProbe.KIND,
                    ProbeResult.Status.OK,
                    null,
                    2,
                    new TcpSynEvidence(syns),
                    null)));
    Verdict up = Verdict.up(List.of("port 443: SYN-ACK to both SYN shapes"));
    return new RoundEvidence(
        at, 3, "none", null, null, List.of(new AddressEvidence(address, null, run, null, up)), up);
  }

  private static PacketView packet(
      String address, boolean answer, int length, String flags, long seq, long ack) {
    String home = "198.51.100.2";
    return new PacketView(
        1_764_687_600_000_000_000L + seq,
        answer ? address : home,
        answer ? home : address,
        answer ? 61 : 64,
        answer ? 0 : 4242,
        true,
        0,
        length,
        6,
        new PacketView.Tcp(
            answer ? 443 : 41_000,
            answer ? 41_000 : 443,
            flags,
            seq,
            ack,
            answer ? 65_160 : 64_240,
            length == 44 ? List.of("mss 1460") : List.of("mss 1460", "sackOK", "TS", "nop"),
            0),
        null,
        null);
  }

  /**
   * An up watch whose rounds keep saying the same keeps its pack for a while; a round that may
   * change its state, one with a kept pcap file, or a pack grown old is packed anew.
   */
  @Test
  void anUnchangedUpWatchKeepsItsPackForAWhile() {
    Instant t0 = Instant.parse("2026-12-02T15:00:00Z");
    RoundEvidence round = upRound("198.18.0.9", 1);
    WatchRuntime rt =
        new WatchRuntime(9, "198.18.0.9", "g", dev.detour.verdict.Tracker.unknown(t0));
    Verdict up = round.verdict();
    List<AddressEvidence> uncaptured =
        List.of(new AddressEvidence("198.18.0.9", null, withoutCapture(round), null, up));
    // Nothing packed yet, or no verdict before: packed.
    assertThat(PackedEvidence.keeps(rt, up, uncaptured, t0)).isFalse();
    rt.evidence = PackedEvidence.pack(round, json);
    rt.verdict = up;
    // Still unknown (the first "up" is a change): packed.
    assertThat(PackedEvidence.keeps(rt, up, uncaptured, t0.plusSeconds(60))).isFalse();
    rt.tracker(rt.tracker().step(up, t0, 2, 2).tracker());
    assertThat(rt.tracker().state()).isEqualTo(dev.detour.verdict.WatchState.UP);
    assertThat(PackedEvidence.keeps(rt, up, uncaptured, t0.plusSeconds(60))).isTrue();
    // Other reasons, another state, a kept pcap file, an old pack: packed anew.
    assertThat(
            PackedEvidence.keeps(
                rt, Verdict.up(List.of("port 443: SYN-ACK")), uncaptured, t0.plusSeconds(60)))
        .isFalse();
    assertThat(
            PackedEvidence.keeps(
                rt, Verdict.down(List.of("no answer")), uncaptured, t0.plusSeconds(60)))
        .isFalse();
    assertThat(PackedEvidence.keeps(rt, up, round.addresses(), t0.plusSeconds(60))).isFalse();
    assertThat(
            PackedEvidence.keeps(
                rt, up, uncaptured, t0.plus(PackedEvidence.REPACK_UNCHANGED).plusSeconds(1)))
        .isFalse();
  }

  private static ProbeService.Run withoutCapture(RoundEvidence round) {
    ProbeService.Run run = round.addresses().get(0).local();
    return new ProbeService.Run(
        null, run.target(), run.address(), run.name(), run.device(), run.at(), run.results());
  }

  @Test
  void readsBackTheSameJsonInAQuarterOfTheBytes() throws Exception {
    RoundEvidence round = upRound("198.18.3.7", 1_000_000);
    String written = json.writeValueAsString(round);
    PackedEvidence packed = PackedEvidence.pack(round, json);
    assertThat(packed.json()).isEqualTo(written);
    assertThat(packed.tree(json)).isEqualTo(json.readTree(written));
    assertThat(
            packed
                .tree(json)
                .at("/addresses/0/local/results/0/evidence/syns/1/answers/0/tcpdump")
                .asText())
        .contains("198.18.3.7.443 > 198.51.100.2.41000: Flags [S.]");
    System.out.println("PACKED " + packed.packedSize() + " of " + written.length());
    assertThat(packed.packedSize()).isLessThan(written.length() / 4);
  }

  @Test
  void eachThreadPacksOnItsOwnAndEveryPackReadsBack() throws Exception {
    List<Thread> threads = new ArrayList<>();
    List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    for (int t = 0; t < 4; t++) {
      int thread = t;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 500; i++) {
                    RoundEvidence round = upRound("198.18." + thread + "." + (i % 250), i);
                    assertThat(PackedEvidence.pack(round, json).json())
                        .isEqualTo(json.writeValueAsString(round));
                  }
                } catch (Throwable e) {
                  failures.add(e);
                }
              }));
    }
    threads.forEach(Thread::start);
    for (Thread t : threads) {
      t.join(60_000);
    }
    assertThat(failures).isEmpty();
  }
}
