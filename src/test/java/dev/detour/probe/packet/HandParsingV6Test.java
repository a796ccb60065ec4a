package dev.detour.probe.packet;

import static org.assertj.core.api.Assertions.assertThat;

import inet.ipaddr.IPAddressString;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV6CommonPacket;
import org.pcap4j.packet.IpV6Packet;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.namednumber.EtherType;

/**
 * IPv6 packets are written and read by hand as IPv4 ones are: pcap4j is the oracle for their
 * headers and checksums (TCP's and ICMPv6's pseudo-header), and the views read what an engineer
 * reads off {@code tcpdump -v}: hop limit, flow label, next header, payload length.
 */
class HandParsingV6Test {

  private static Inet6Address ip(String a) throws Exception {
    return (Inet6Address) InetAddress.getByName(a);
  }

  private static List<byte[]> crafted() throws Exception {
    return CraftedPackets.crafted(
        ip("2001:db8:1::2"),
        ip("2001:db8:ff00:12::77"),
        List.of("GET / HTTP/1.1\r\n\r\n".getBytes()));
  }

  @Test
  void craftedPacketsAreWhatPcap4jReadsWithValidChecksums() throws Exception {
    for (byte[] ip : crafted()) {
      IpV6Packet parsed = IpV6Packet.newPacket(ip, 0, ip.length);
      IpV6Packet.IpV6Header h = parsed.getHeader();
      assertThat(h.getPayloadLengthAsInt()).isEqualTo(ip.length - 40);
      PacketView view = PacketView.ofIp(ip, 5);
      assertThat(view.version()).isEqualTo(6);
      assertThat(view.ttl()).isEqualTo(h.getHopLimitAsInt());
      assertThat(view.length()).isEqualTo(ip.length);
      assertThat(view.source()).isEqualTo("2001:db8:1::2");
      assertThat(view.destination()).isEqualTo("2001:db8:ff00:12::77");
      assertThat(view.protocol()).isEqualTo(h.getNextHeader().value() & 0xff);
      if (parsed.getPayload() instanceof TcpPacket tcp) {
        assertThat(tcp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        TcpPacket.TcpHeader th = tcp.getHeader();
        assertThat(view.tcp().sourcePort()).isEqualTo(th.getSrcPort().valueAsInt());
        assertThat(view.tcp().destinationPort()).isEqualTo(th.getDstPort().valueAsInt());
        assertThat(view.tcp().seq()).isEqualTo(th.getSequenceNumberAsLong());
        assertThat(view.tcp().ack()).isEqualTo(th.getAcknowledgmentNumberAsLong());
        assertThat(view.tcp().window()).isEqualTo(th.getWindowAsInt());
        assertThat(view.tcp().payloadLength())
            .isEqualTo(tcp.getPayload() == null ? 0 : tcp.getPayload().length());
      } else {
        IcmpV6CommonPacket icmp = parsed.get(IcmpV6CommonPacket.class);
        assertThat(icmp.hasValidChecksum(h.getSrcAddr(), h.getDstAddr(), false)).isTrue();
        assertThat(view.echoRequest()).isTrue();
        assertThat(view.icmp().identifier()).isEqualTo(0xbeef);
        assertThat(view.icmp().sequence()).isEqualTo(3);
      }
    }
  }

  @Test
  void theSynShapesAreTwentyBytesLongerOverIpv6() throws Exception {
    Inet6Address a = ip("2001:db8:1::2");
    Inet6Address b = ip("2001:db8:2::9");
    PacketView bare = PacketView.ofIp(Frames.syn(a, b, 61000, 443, 1, SynShape.BARE, 64), 0);
    PacketView linux = PacketView.ofIp(Frames.syn(a, b, 61000, 443, 1, SynShape.LINUX, 64), 0);
    assertThat(bare.length()).isEqualTo(64).isEqualTo(SynShape.BARE.length(6));
    assertThat(linux.length()).isEqualTo(80).isEqualTo(SynShape.LINUX.length(6));
    assertThat(bare.tcp().options()).containsExactly("mss 1460");
    assertThat(linux.tcp().options())
        .containsExactly("mss 1460", "sackOK", "TS", "nop", "wscale 7");
    assertThat(Tcpdump.line(linux))
        .startsWith("IP6 (hlim 64, next-header TCP (6) payload length: 40) 2001:db8:1::2.61000 >")
        .contains("2001:db8:2::9.443: Flags [S], seq 1, win 64240");
  }

  @Test
  void framesCarryIpv6sEtherTypeAndReadBack() throws Exception {
    for (byte[] ip : crafted()) {
      byte[] frame = Frames.ethernet(CraftedPackets.OWN, CraftedPackets.NEXT, ip);
      EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
      assertThat(eth.getHeader().getType()).isEqualTo(EtherType.IPV6);
      assertThat(PacketView.ofEthernet(frame, 9)).isEqualTo(PacketView.ofIp(ip, 9));
    }
  }

  @Test
  void anIcmpv6ErrorQuotesTheProbeThatDrewIt() throws Exception {
    byte[] syn = crafted().get(0);
    // Time exceeded from a router: 40-byte header, 8 bytes of ICMPv6, then the whole probe.
    byte[] error = new byte[40 + 8 + syn.length];
    error[0] = 0x60;
    error[4] = (byte) ((8 + syn.length) >> 8);
    error[5] = (byte) (8 + syn.length);
    error[6] = 58;
    error[7] = 62;
    System.arraycopy(ip("2001:db8:3::1").getAddress(), 0, error, 8, 16);
    System.arraycopy(ip("2001:db8:1::2").getAddress(), 0, error, 24, 16);
    error[40] = 3;
    System.arraycopy(syn, 0, error, 48, syn.length);
    PacketView view = PacketView.ofIp(error, 3);
    assertThat(view.timeExceeded()).isTrue();
    assertThat(view.echoReply()).isFalse();
    assertThat(view.ttl()).isEqualTo(62);
    assertThat(view.quoted().tcp().sourcePort()).isEqualTo(61000);
    assertThat(view.quoted().tcp().destinationPort()).isEqualTo(443);
    assertThat(view.quoted().destination()).isEqualTo("2001:db8:ff00:12::77");
    assertThat(SharedCapture.Key.of(view))
        .isEqualTo(SharedCapture.Key.tcp("2001:db8:ff00:12::77", 443, 61000));
    assertThat(Tcpdump.line(view)).contains("2001:db8:3::1 > 2001:db8:1::2: ICMP6, time exceeded");
  }

  @Test
  void extensionHeadersAreSkippedToTheSegment() throws Exception {
    byte[] syn = crafted().get(0);
    // The same SYN behind a hop-by-hop options header of 8 bytes.
    byte[] withHop = new byte[syn.length + 8];
    System.arraycopy(syn, 0, withHop, 0, 40);
    withHop[6] = 0;
    int payload = syn.length - 40 + 8;
    withHop[4] = (byte) (payload >> 8);
    withHop[5] = (byte) payload;
    withHop[40] = 6;
    withHop[41] = 0;
    withHop[42] = 1; // PadN
    withHop[43] = 4;
    System.arraycopy(syn, 40, withHop, 48, syn.length - 40);
    PacketView view = PacketView.ofIp(withHop, 0);
    assertThat(view.protocol()).isEqualTo(6);
    assertThat(view.tcp()).isEqualTo(PacketView.ofIp(syn, 0).tcp());
  }

  @Test
  void addressesAreWrittenAsRfc5952Does() throws Exception {
    Random random = new Random(6);
    List<String> cases =
        new ArrayList<>(
            List.of(
                "::",
                "::1",
                "2001:db8::",
                "2001:db8:0:0:1:0:0:1",
                "2001:0:0:1:0:0:0:1",
                "fe80::1:2",
                "2001:db8:1:2:3:4:5:6",
                "0:1:0:1:0:1:0:1",
                "1::"));
    for (int i = 0; i < 2000; i++) {
      StringBuilder s = new StringBuilder();
      for (int g = 0; g < 8; g++) {
        s.append(g == 0 ? "" : ":")
            .append(Integer.toHexString(random.nextInt(3) == 0 ? random.nextInt(65536) : 0));
      }
      cases.add(s.toString());
    }
    for (String c : cases) {
      InetAddress a = InetAddress.getByName(c);
      assertThat(PacketView.text(a))
          .as(c)
          .isEqualTo(new IPAddressString(c).getAddress().toCanonicalString());
    }
    assertThat(PacketView.text(InetAddress.getByName("203.0.113.7"))).isEqualTo("203.0.113.7");
  }

  @Test
  void mangledBytesNeverThrow() throws Exception {
    Random random = new Random(42);
    List<byte[]> seeds = crafted();
    int read = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] b = CraftedPackets.mangled(random, seeds);
      PacketView view = PacketView.ofIp(b, 0);
      if (view != null) {
        Tcpdump.line(view);
        SharedCapture.Key.of(view);
        read++;
      }
    }
    assertThat(read).isGreaterThan(1000);
  }
}
