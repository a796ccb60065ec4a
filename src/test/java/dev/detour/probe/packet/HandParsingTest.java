package dev.detour.probe.packet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.TcpPacket;

/**
 * Frames are written and read by hand (the packet library's objects cost a tenth of a round's CPU):
 * pcap4j, which the project used before, is the oracle here. Every crafted packet must read back
 * the same through pcap4j, with valid checksums, and read the same through both parsers; mangled
 * bytes must never throw.
 */
class HandParsingTest {

  private static Inet4Address ip(String a) throws Exception {
    return (Inet4Address) InetAddress.getByName(a);
  }

  private static List<byte[]> crafted() throws Exception {
    return CraftedPackets.crafted(
        ip("192.0.2.1"),
        ip("203.0.113.77"),
        List.of("GET / HTTP/1.1\r\n\r\n".getBytes(), new byte[] {1, 2, 3}));
  }

  @Test
  void craftedPacketsAreWhatPcap4jReadsWithValidChecksums() throws Exception {
    for (byte[] ip : crafted()) {
      IpV4Packet parsed = IpV4Packet.newPacket(ip, 0, ip.length);
      assertThat(parsed.getHeader().hasValidChecksum(false)).isTrue();
      assertThat(parsed.getHeader().getTotalLengthAsInt()).isEqualTo(ip.length);
      if (parsed.getPayload() instanceof TcpPacket tcp) {
        assertThat(
                tcp.hasValidChecksum(
                    parsed.getHeader().getSrcAddr(), parsed.getHeader().getDstAddr(), false))
            .isTrue();
      } else {
        assertThat(parsed.get(IcmpV4CommonPacket.class).hasValidChecksum(false)).isTrue();
      }
      assertThat(PacketView.ofIp(ip, 5)).isEqualTo(oracle(ip, 5));
    }
  }

  @Test
  void theTwoSynShapesHaveTheSeedsLengthsAndOptions() throws Exception {
    Inet4Address a = ip("192.0.2.1");
    Inet4Address b = ip("203.0.113.77");
    PacketView bare = PacketView.ofIp(Frames.syn(a, b, 61000, 443, 1, SynShape.BARE, 64), 0);
    PacketView linux = PacketView.ofIp(Frames.syn(a, b, 61000, 443, 1, SynShape.LINUX, 64), 0);
    assertThat(bare.length()).isEqualTo(SynShape.BARE.length());
    assertThat(bare.tcp().options()).containsExactly("mss 1460");
    assertThat(linux.length()).isEqualTo(SynShape.LINUX.length());
    assertThat(linux.tcp().options())
        .containsExactly("mss 1460", "sackOK", "TS", "nop", "wscale 7");
    assertThat(linux.tcp().flags()).isEqualTo("S");
    assertThat(linux.dontFragment()).isTrue();
  }

  @Test
  void ethernetFramesArePaddedAndReadBackAsTheirPacket() throws Exception {
    for (byte[] ip : crafted()) {
      byte[] frame = Frames.ethernet(CraftedPackets.OWN, CraftedPackets.NEXT, ip);
      assertThat(frame.length).isEqualTo(Math.max(60, ip.length + 14));
      EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
      assertThat(eth.getHeader().getDstAddr().getAddress()).isEqualTo(CraftedPackets.NEXT);
      assertThat(PacketView.ofEthernet(frame, 9)).isEqualTo(oracleEthernet(frame, 9));
    }
    byte[] syn = crafted().get(0);
    byte[] tagged = new byte[18 + syn.length];
    tagged[12] = (byte) 0x81;
    tagged[16] = 0x08;
    System.arraycopy(syn, 0, tagged, 18, syn.length);
    assertThat(PacketView.ofEthernet(tagged, 1)).isEqualTo(PacketView.ofIp(syn, 1));
  }

  @Test
  void anIcmpErrorQuotesTheProbeThatDrewIt() throws Exception {
    byte[] syn = crafted().get(0);
    byte[] error = new byte[20 + 8 + 28];
    error[0] = 0x45;
    error[2] = 0;
    error[3] = (byte) error.length;
    error[8] = 60;
    error[9] = 1;
    System.arraycopy(ip("198.51.100.1").getAddress(), 0, error, 12, 4);
    System.arraycopy(ip("192.0.2.1").getAddress(), 0, error, 16, 4);
    error[20] = 11;
    System.arraycopy(syn, 0, error, 28, 28);
    PacketView view = PacketView.ofIp(error, 3);
    assertThat(view.icmp().type()).isEqualTo(PacketView.Icmp.TIME_EXCEEDED);
    assertThat(view.quoted().tcp().sourcePort()).isEqualTo(61000);
    assertThat(view.quoted().tcp().destinationPort()).isEqualTo(443);
    assertThat(view.quoted().destination()).isEqualTo("203.0.113.77");
    assertThat(view).isEqualTo(oracle(error, 3));
  }

  @Test
  void recordedExchangesReadTheSameAsThroughPcap4j() throws Exception {
    for (String name :
        List.of(
            "icmp-clean.pcap",
            "syn-clean-linux.pcap",
            "syn-dpi-bare.pcap",
            "syn-dpi-linux.pcap",
            "syn-seed-rst.pcap",
            "trace-seed-rst.pcap")) {
      assertThat(RecordedPacketsTest.recorded(name)).isNotEmpty().doesNotContainNull();
    }
  }

  @Test
  void mangledBytesNeverThrowAndReadAsPcap4jWhereItReadsThem() throws Exception {
    Random random = new Random(42);
    List<byte[]> seeds = crafted();
    int compared = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = CraftedPackets.mangled(random, seeds);
      PacketView mine = PacketView.ofIp(b, 0);
      PacketView theirs;
      try {
        theirs = oracle(b, 0);
      } catch (RuntimeException e) {
        continue;
      }
      // Where both read a TCP segment with its options intact, they agree field by field.
      if (mine != null
          && theirs != null
          && mine.length() == b.length
          && mine.tcp() != null
          && theirs.tcp() != null
          && b.length >= 20) {
        assertThat(mine.tcp().sourcePort()).isEqualTo(theirs.tcp().sourcePort());
        assertThat(mine.tcp().flags()).isEqualTo(theirs.tcp().flags());
        assertThat(mine.tcp().seq()).isEqualTo(theirs.tcp().seq());
        assertThat(mine.ttl()).isEqualTo(theirs.ttl());
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(1000);
  }

  // ------------------------------------------------------------------ the pcap4j oracle

  private static PacketView oracleEthernet(byte[] frame, long nanos) throws Exception {
    IpV4Packet ip = EthernetPacket.newPacket(frame, 0, frame.length).get(IpV4Packet.class);
    return ip == null ? null : oracle(ip.getRawData(), nanos);
  }

  /** What the pcap4j-based reader of earlier versions made of a packet. */
  private static PacketView oracle(byte[] raw, long nanos) {
    IpV4Packet ip;
    try {
      ip = IpV4Packet.newPacket(raw, 0, raw.length);
    } catch (IllegalRawDataException e) {
      return null;
    }
    IpV4Packet.IpV4Header h = ip.getHeader();
    PacketView.Tcp tcp = null;
    PacketView.Icmp icmp = null;
    PacketView quoted = null;
    if (ip.getPayload() instanceof TcpPacket t) {
      TcpPacket.TcpHeader th = t.getHeader();
      StringBuilder flags = new StringBuilder();
      flags.append(th.getFin() ? "F" : "").append(th.getSyn() ? "S" : "");
      flags.append(th.getRst() ? "R" : "").append(th.getPsh() ? "P" : "");
      flags.append(th.getAck() ? "." : "");
      List<String> options =
          th.getOptions().stream()
              .map(
                  o ->
                      switch (o.getKind().value()) {
                        case 0 -> "eol";
                        case 1 -> "nop";
                        case 2 ->
                            "mss "
                                + (((o.getRawData()[2] & 0xff) << 8) | (o.getRawData()[3] & 0xff));
                        case 3 -> "wscale " + (o.getRawData()[2] & 0xff);
                        case 4 -> "sackOK";
                        case 8 -> "TS";
                        default -> "opt-" + (o.getKind().value() & 0xff);
                      })
              .toList();
      tcp =
          new PacketView.Tcp(
              th.getSrcPort().valueAsInt(),
              th.getDstPort().valueAsInt(),
              flags.toString(),
              th.getSequenceNumberAsLong(),
              th.getAcknowledgmentNumberAsLong(),
              th.getWindowAsInt(),
              options,
              t.getPayload() == null ? 0 : t.getPayload().length());
    } else if (ip.getPayload() instanceof IcmpV4CommonPacket c) {
      int id = 0;
      int seq = 0;
      IcmpV4EchoPacket echo = c.get(IcmpV4EchoPacket.class);
      IcmpV4EchoReplyPacket reply = c.get(IcmpV4EchoReplyPacket.class);
      if (echo != null) {
        id = echo.getHeader().getIdentifierAsInt();
        seq = echo.getHeader().getSequenceNumberAsInt();
      } else if (reply != null) {
        id = reply.getHeader().getIdentifierAsInt();
        seq = reply.getHeader().getSequenceNumberAsInt();
      } else if (c.getPayload() != null && c.getPayload().length() > 4) {
        byte[] rest = c.getPayload().getRawData();
        quoted = PacketView.quotedHeaderOnly(java.util.Arrays.copyOfRange(rest, 4, rest.length));
      }
      icmp =
          new PacketView.Icmp(
              c.getHeader().getType().value() & 0xff,
              c.getHeader().getCode().value() & 0xff,
              id,
              seq);
    }
    return new PacketView(
        nanos,
        h.getSrcAddr().getHostAddress(),
        h.getDstAddr().getHostAddress(),
        h.getTtlAsInt(),
        h.getIdentificationAsInt(),
        h.getDontFragmentFlag(),
        h.getTos().value() & 0xff,
        h.getTotalLengthAsInt(),
        h.getProtocol().value() & 0xff,
        tcp,
        icmp,
        quoted);
  }
}
