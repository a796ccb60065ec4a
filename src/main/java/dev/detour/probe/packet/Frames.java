package dev.detour.probe.packet;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.IpV4Rfc791Tos;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpMaximumSegmentSizeOption;
import org.pcap4j.packet.TcpNoOperationOption;
import org.pcap4j.packet.TcpPacket;
import org.pcap4j.packet.TcpSackPermittedOption;
import org.pcap4j.packet.TcpTimestampsOption;
import org.pcap4j.packet.TcpWindowScaleOption;
import org.pcap4j.packet.UnknownPacket;
import org.pcap4j.packet.namednumber.IcmpV4Code;
import org.pcap4j.packet.namednumber.IcmpV4Type;
import org.pcap4j.packet.namednumber.IpNumber;
import org.pcap4j.packet.namednumber.IpVersion;
import org.pcap4j.packet.namednumber.TcpPort;

/** Crafts the packets probes send: SYNs of both shapes, the RST that closes them, echo requests. */
public final class Frames {

  private static final short MSS = 1460;
  private static final int LINUX_WINDOW = 64240;
  private static final int BARE_WINDOW = 5840;

  private Frames() {}

  public static IpV4Packet.Builder syn(
      Inet4Address source,
      Inet4Address target,
      int sourcePort,
      int port,
      long seq,
      SynShape shape,
      int ttl) {
    List<TcpPacket.TcpOption> options = new ArrayList<>();
    options.add(
        new TcpMaximumSegmentSizeOption.Builder()
            .maxSegSize(MSS)
            .correctLengthAtBuild(true)
            .build());
    if (shape == SynShape.LINUX) {
      options.add(TcpSackPermittedOption.getInstance());
      options.add(
          new TcpTimestampsOption.Builder()
              .tsValue((int) (System.nanoTime() / 1_000_000))
              .tsEchoReply(0)
              .correctLengthAtBuild(true)
              .build());
      options.add(TcpNoOperationOption.getInstance());
      options.add(
          new TcpWindowScaleOption.Builder()
              .shiftCount((byte) 7)
              .correctLengthAtBuild(true)
              .build());
    }
    TcpPacket.Builder tcp =
        tcp(source, target, sourcePort, port, seq)
            .syn(true)
            .window((short) (shape == SynShape.LINUX ? LINUX_WINDOW : BARE_WINDOW))
            .options(options);
    return ip(source, target, ttl, true, IpNumber.TCP, tcp);
  }

  /** The RST that closes a half-open probe connection after its SYN-ACK. */
  public static IpV4Packet.Builder rst(
      Inet4Address source, Inet4Address target, int sourcePort, int port, long seq) {
    TcpPacket.Builder tcp = tcp(source, target, sourcePort, port, seq).rst(true).window((short) 0);
    return ip(source, target, 64, true, IpNumber.TCP, tcp);
  }

  /** The ACK that completes a handshake. */
  public static IpV4Packet.Builder ack(
      Inet4Address source, Inet4Address target, int sourcePort, int port, long seq, long ack) {
    return ip(
        source,
        target,
        64,
        true,
        IpNumber.TCP,
        segment(source, target, sourcePort, port, seq, ack, null));
  }

  /** A data segment (PSH+ACK) with its own TTL: an HTTP request or a ClientHello. */
  public static IpV4Packet.Builder data(
      Inet4Address source,
      Inet4Address target,
      int sourcePort,
      int port,
      long seq,
      long ack,
      int ttl,
      byte[] payload) {
    return ip(
        source,
        target,
        ttl,
        true,
        IpNumber.TCP,
        segment(source, target, sourcePort, port, seq, ack, payload));
  }

  private static TcpPacket.Builder segment(
      Inet4Address source,
      Inet4Address target,
      int sourcePort,
      int port,
      long seq,
      long ack,
      byte[] payload) {
    TcpPacket.Builder tcp =
        tcp(source, target, sourcePort, port, seq)
            .acknowledgmentNumber((int) ack)
            .ack(true)
            .psh(payload != null)
            .window((short) LINUX_WINDOW);
    if (payload != null) {
      tcp.payloadBuilder(new UnknownPacket.Builder().rawData(payload));
    }
    return tcp;
  }

  /** What every probe segment has: addresses, ports, sequence, checksums and lengths filled in. */
  private static TcpPacket.Builder tcp(
      Inet4Address source, Inet4Address target, int sourcePort, int port, long seq) {
    return new TcpPacket.Builder()
        .srcAddr(source)
        .dstAddr(target)
        .srcPort(TcpPort.getInstance((short) sourcePort))
        .dstPort(TcpPort.getInstance((short) port))
        .sequenceNumber((int) seq)
        .correctChecksumAtBuild(true)
        .correctLengthAtBuild(true);
  }

  public static IpV4Packet.Builder echo(
      Inet4Address source, Inet4Address target, int identifier, int sequence, int ttl) {
    byte[] data = new byte[56];
    ThreadLocalRandom.current().nextBytes(data);
    IcmpV4EchoPacket.Builder echo =
        new IcmpV4EchoPacket.Builder()
            .identifier((short) identifier)
            .sequenceNumber((short) sequence)
            .payloadBuilder(new UnknownPacket.Builder().rawData(data));
    IcmpV4CommonPacket.Builder icmp =
        new IcmpV4CommonPacket.Builder()
            .type(IcmpV4Type.ECHO)
            .code(IcmpV4Code.NO_CODE)
            .payloadBuilder(echo)
            .correctChecksumAtBuild(true);
    return ip(source, target, ttl, true, IpNumber.ICMPV4, icmp);
  }

  private static IpV4Packet.Builder ip(
      Inet4Address source,
      Inet4Address target,
      int ttl,
      boolean dontFragment,
      IpNumber protocol,
      Packet.Builder payload) {
    return new IpV4Packet.Builder()
        .version(IpVersion.IPV4)
        .ihl((byte) 5)
        .tos(IpV4Rfc791Tos.newInstance((byte) 0))
        .identification((short) ThreadLocalRandom.current().nextInt(1, 65536))
        .dontFragmentFlag(dontFragment)
        .ttl((byte) ttl)
        .protocol(protocol)
        .srcAddr(source)
        .dstAddr(target)
        .payloadBuilder(payload)
        .correctChecksumAtBuild(true)
        .correctLengthAtBuild(true);
  }
}
