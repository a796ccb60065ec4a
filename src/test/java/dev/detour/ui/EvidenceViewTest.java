package dev.detour.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.incident.Incident;
import dev.detour.verdict.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evidence and the drawings of the watch page, from the JSON the monitor stores. */
class EvidenceViewTest {

  /** A round like the seed's: the SYN reset 2 ms after it left here, a SYN-ACK at the control. */
  static final String ROUND =
      """
      {"at": "2026-12-01T10:00:00Z", "millis": 812, "control": "interface",
       "addresses": [{
         "address": "198.18.0.5",
         "local": {"id": "run-1", "results": [{
           "probe": "tcp_syn", "status": "ok", "millis": 300, "captures": ["syn.pcap"],
           "evidence": {"syns": [{
             "shape": "linux", "port": 443, "answer": "RST", "firstAnswerMicros": 2000, "resets": 2,
             "sent": {"nanos": 1000000000, "length": 60, "tcp": {"flags": "S"},
               "tcpdump": "IP (tos 0x0, ttl 64, id 1, offset 0, flags [DF], proto TCP (6), length 60) 10.0.0.2.61000 > 198.18.0.5.443: Flags [S], seq 1, win 64240, length 0"},
             "answers": [
               {"nanos": 1002000000, "tcp": {"flags": "R."},
                "tcpdump": "IP (tos 0x0, ttl 58, id 0, offset 0, flags [none], proto TCP (6), length 40) 198.18.0.5.443 > 10.0.0.2.61000: Flags [R.], seq 0, ack 2, win 0, length 0"},
               {"nanos": 1002100000, "tcp": {"flags": "R"},
                "tcpdump": "IP (tos 0x0, ttl 58, id 0, offset 0, flags [none], proto TCP (6), length 40) 198.18.0.5.443 > 10.0.0.2.61000: Flags [R], seq 2, win 0, length 0"}]}]}}]},
         "control": {"id": "run-2", "results": [{
           "probe": "tcp_syn", "status": "ok", "millis": 90,
           "evidence": {"syns": [{
             "shape": "linux", "port": 443, "answer": "SYN_ACK", "firstAnswerMicros": 41000, "resets": 0,
             "sent": {"nanos": 5000000000, "length": 60, "tcp": {"flags": "S"}, "tcpdump": "IP 10.9.0.2.61001 > 198.18.0.5.443: Flags [S]"},
             "answers": [{"nanos": 5041000000, "tcp": {"flags": "S."}, "tcpdump": "IP 198.18.0.5.443 > 10.9.0.2.61001: Flags [S.], seq 7, ack 2"}]}]}},
           {"probe": "icmp", "status": "unavailable", "millis": 0, "problem": "no CAP_NET_RAW"}]},
         "verdict": {"state": "blocked", "method": "tcp_rst_injected", "confidence": 0.95, "reasons": []}}],
       "verdict": {"state": "blocked", "method": "tcp_rst_injected", "confidence": 0.95,
         "reasons": ["two resets answered the SYN within 2 ms, the control got a SYN-ACK"]}}
      """;

  @Test
  void laysOutBothVantagesPacketByPacket() throws Exception {
    ObjectMapper json = new ObjectMapper();
    EvidenceView v = EvidenceView.of(json.readTree(ROUND), json);
    assertThat(v.state()).isEqualTo("blocked");
    assertThat(v.reasons())
        .containsExactly("two resets answered the SYN within 2 ms, the control got a SYN-ACK");
    EvidenceView.Address a = v.addresses().get(0);
    EvidenceView.ProbeBlock here = a.local().probes().get(0);
    assertThat(here.outcome()).isEqualTo("1 SYNs, 1 answered, 2 resets");
    assertThat(here.lines())
        .extracting(EvidenceView.Line::mark)
        .containsExactly("", "sent", "bad", "bad");
    assertThat(here.lines().get(0).text())
        .isEqualTo("# linux SYN (60 bytes) to port 443: rst, 2 resets");
    assertThat(here.lines().get(2).text()).startsWith("< +2.000 ms IP (tos 0x0, ttl 58, id 0");
    assertThat(here.pcaps())
        .extracting(EvidenceView.Link::href)
        .containsExactly("/api/probe/captures/run-1/syn.pcap");
    EvidenceView.ProbeBlock there = a.control().probes().get(0);
    assertThat(there.lines().get(2).mark()).isEqualTo("answer");
    assertThat(there.lines().get(2).text()).startsWith("< +41.000 ms");
    assertThat(a.control().probes().get(1).outcome()).isEqualTo("unavailable: no CAP_NET_RAW");
    assertThat(a.sides()).hasSize(2);
    assertThat(EvidenceView.of(null, json)).isNull();
  }

  @Test
  void theTimelineCoversTheWeekWithTheStatesHeld() {
    Instant now = Instant.now();
    Incident blocked = change("UP", "BLOCKED", now.minus(Duration.ofDays(2)));
    Incident cleared = change("BLOCKED", "UP", now.minus(Duration.ofDays(1)));
    Charts.Timeline t =
        Charts.timeline(List.of(blocked, cleared), WatchState.UP, Duration.ofDays(7));
    assertThat(t.segments())
        .extracting(Charts.Segment::state)
        .containsExactly("up", "blocked", "up");
    assertThat(t.segments().stream().mapToDouble(Charts.Segment::width).sum())
        .isBetween(99.5, 100.5);
    assertThat(t.segments().get(1).width()).isBetween(14.0, 15.0); // one day of seven
    assertThat(Charts.timeline(List.of(), WatchState.BLOCKED, Duration.ofDays(7)).segments())
        .extracting(Charts.Segment::state)
        .containsExactly("blocked");
  }

  @Test
  void theLatencyChartLeavesGapsWhereNothingAnswered() {
    Instant t = Instant.parse("2026-12-01T10:00:00Z");
    var samples =
        List.of(
            new dev.detour.state.LatencySample(t, 10.0, 40.0, WatchState.UP),
            new dev.detour.state.LatencySample(t.plusSeconds(5), 12.0, 41.0, WatchState.UP),
            new dev.detour.state.LatencySample(t.plusSeconds(10), null, 43.0, WatchState.BLOCKED),
            new dev.detour.state.LatencySample(t.plusSeconds(15), 3.0, 42.0, WatchState.BLOCKED));
    Charts.Latency l = Charts.latency(samples);
    assertThat(l.max()).isEqualTo("50");
    assertThat(l.local()).isEqualTo("M0.0 96.0 l0.1 0 L200.0 91.2 M600.0 112.8 l0.1 0");
    assertThat(l.control()).startsWith("M0.0 24.0 l0.1 0 L200.0 21.6 L400.0 16.8");
    assertThat(l.bands())
        .extracting(Charts.Band::state)
        .containsExactly("up", "up", "blocked", "blocked");
    assertThat(Charts.nice(0.7)).isEqualTo(1);
    assertThat(Charts.nice(130)).isEqualTo(200);
  }

  private static Incident change(String from, String to, Instant at) {
    Incident i = new Incident();
    i.fromState = from;
    i.toState = to;
    i.at = at;
    return i;
  }
}
