package dev.detour.probe.packet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.Hops;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The packet layer on exchanges recorded in the lab (src/test/resources/pcap, written by the probes
 * themselves): parsing, tcpdump lines and hop estimates, with no network.
 */
class RecordedPacketsTest {

  static List<PacketView> recorded(String name) throws Exception {
    return PcapFiles.read(fixture(name));
  }

  static Path fixture(String name) throws URISyntaxException {
    return Path.of(RecordedPacketsTest.class.getResource("/pcap/" + name).toURI());
  }

  @Test
  void theSeedsForgedRstReadsAsTcpdumpPrintsIt() throws Exception {
    List<PacketView> packets = recorded("syn-seed-rst.pcap");
    PacketView syn = packets.get(0);
    PacketView rst = packets.get(1);
    assertThat(syn.length()).isEqualTo(60);
    assertThat(syn.tcp().options()).containsExactly("mss 1460", "sackOK", "TS", "nop", "wscale 7");
    assertThat(Tcpdump.line(rst))
        .isEqualTo(
            "IP (tos 0x0, ttl 58, id 1, offset 0, flags [none], proto TCP (6), length 40)"
                + " 203.0.113.11.80 > 198.51.100.2."
                + syn.tcp().sourcePort()
                + ": Flags [R], seq 0, win 64240, length 0");
    assertThat(rst.tcp().ackFlag()).isFalse();
  }

  @Test
  void aGenuineSynAckIsThreeHopsAwayWhereTheDpiResetIsNot() throws Exception {
    PacketView synAck = recorded("syn-dpi-bare.pcap").get(1);
    PacketView reset = recorded("syn-dpi-linux.pcap").get(1);
    assertThat(recorded("syn-dpi-bare.pcap").get(0).length()).isEqualTo(44);
    assertThat(synAck.tcp().flags()).isEqualTo("S.");
    assertThat(Hops.estimate(synAck.ttl())).isEqualTo(3);
    assertThat(reset.tcp().flags()).isEqualTo("R");
    assertThat(Hops.estimate(reset.ttl())).isEqualTo(24);
  }

  @Test
  void timeExceededQuotesTheSynThatExpired() throws Exception {
    List<PacketView> packets = recorded("trace-seed-rst.pcap");
    PacketView firstSyn = packets.get(0);
    PacketView expired = packets.get(1);
    assertThat(firstSyn.ttl()).isEqualTo(1);
    assertThat(expired.icmp().type()).isEqualTo(PacketView.Icmp.TIME_EXCEEDED);
    assertThat(expired.source()).isEqualTo("198.51.100.1");
    assertThat(expired.quoted().tcp().sourcePort()).isEqualTo(firstSyn.tcp().sourcePort());
    assertThat(expired.quoted().tcp().seq()).isEqualTo(firstSyn.tcp().seq());
  }

  @Test
  void echoRepliesCarryTheirSequenceAndTheHostsTtl() throws Exception {
    List<PacketView> replies =
        recorded("icmp-clean.pcap").stream()
            .filter(p -> p.icmp().type() == PacketView.Icmp.ECHO_REPLY)
            .toList();
    assertThat(replies).extracting(p -> p.icmp().sequence()).containsExactly(0, 1, 2);
    assertThat(replies).allSatisfy(p -> assertThat(p.ttl()).isEqualTo(61));
    assertThat(Tcpdump.line(replies.get(0))).contains("ICMP echo reply, id ").endsWith("seq 0");
  }

  @Test
  void hopEstimatesUseTheNextCommonInitialTtl() {
    assertThat(Hops.estimate(61)).isEqualTo(3);
    assertThat(Hops.estimate(52)).isEqualTo(12);
    assertThat(Hops.estimate(8)).isEqualTo(24);
    assertThat(Hops.estimate(117)).isEqualTo(11);
    assertThat(Hops.estimate(250)).isEqualTo(5);
  }
}
