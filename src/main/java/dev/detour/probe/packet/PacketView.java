package dev.detour.probe.packet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import org.pcap4j.packet.EthernetPacket;
import org.pcap4j.packet.IcmpV4CommonPacket;
import org.pcap4j.packet.IcmpV4EchoPacket;
import org.pcap4j.packet.IcmpV4EchoReplyPacket;
import org.pcap4j.packet.IllegalRawDataException;
import org.pcap4j.packet.IpV4Packet;
import org.pcap4j.packet.Packet;
import org.pcap4j.packet.TcpPacket;

/**
 * What a captured (or sent) IPv4 packet says, in the terms an engineer reads off tcpdump: the IP
 * header's TTL, IP-ID, DF and length, and the TCP flags, sequence numbers, window and options, or
 * the ICMP type. {@code quoted} is the packet an ICMP error carries back (for time-exceeded: the
 * probe that expired), so an answer can be matched to what drew it.
 *
 * @param nanos capture time, nanoseconds since the epoch
 */
public record PacketView(
    long nanos,
    String source,
    String destination,
    int ttl,
    int ipId,
    boolean dontFragment,
    int tos,
    int length,
    int protocol,
    Tcp tcp,
    Icmp icmp,
    PacketView quoted) {

  /** The TCP part: flags as tcpdump writes them ({@code S}, {@code S.}, {@code R}, {@code R.}). */
  public record Tcp(
      int sourcePort,
      int destinationPort,
      String flags,
      long seq,
      long ack,
      int window,
      List<String> options,
      int payloadLength) {

    public boolean syn() {
      return flags.contains("S");
    }

    public boolean rst() {
      return flags.contains("R");
    }

    public boolean ackFlag() {
      return flags.contains(".");
    }
  }

  /** The ICMP part: type and code, and for echo messages their identifier and sequence. */
  public record Icmp(int type, int code, int identifier, int sequence) {
    public static final int ECHO_REPLY = 0;
    public static final int UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
  }

  /** The packet as {@code tcpdump -nn -v} prints it, for people reading the evidence. */
  @JsonProperty("tcpdump")
  public String tcpdump() {
    return Tcpdump.line(this);
  }

  /** Reads an Ethernet frame; null when it is not IPv4. */
  public static PacketView ofEthernet(byte[] frame, long nanos) {
    try {
      EthernetPacket eth = EthernetPacket.newPacket(frame, 0, frame.length);
      IpV4Packet ip = eth.get(IpV4Packet.class);
      return ip == null ? null : of(ip, nanos);
    } catch (IllegalRawDataException e) {
      return null;
    }
  }

  /** Reads a bare IPv4 packet (a tunnel without link layer, or one quoted in an ICMP error). */
  public static PacketView ofIp(byte[] packet, long nanos) {
    try {
      return of(IpV4Packet.newPacket(packet, 0, packet.length), nanos);
    } catch (IllegalRawDataException e) {
      return null;
    }
  }

  static PacketView of(IpV4Packet ip, long nanos) {
    IpV4Packet.IpV4Header h = ip.getHeader();
    Tcp tcp = null;
    Icmp icmp = null;
    PacketView quoted = null;
    Packet payload = ip.getPayload();
    if (payload instanceof TcpPacket t) {
      tcp = tcp(t);
    } else if (payload instanceof IcmpV4CommonPacket c) {
      int type = c.getHeader().getType().value() & 0xff;
      int code = c.getHeader().getCode().value() & 0xff;
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
      } else if (c.getPayload() != null) {
        quoted = quoted(c.getPayload().getRawData());
      }
      icmp = new Icmp(type, code, id, seq);
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

  /**
   * The packet inside an ICMP error. Its first 4 bytes are the error's unused word; then come the
   * original IP header and at least 8 bytes of its payload, which is all a router must quote.
   */
  private static PacketView quoted(byte[] raw) {
    if (raw.length < 4) {
      return null;
    }
    return quotedHeaderOnly(java.util.Arrays.copyOfRange(raw, 4, raw.length));
  }

  /** An IP header plus 8 bytes of TCP, as routers quote: enough for ports and sequence. */
  private static PacketView quotedHeaderOnly(byte[] raw) {
    if (raw.length < 20 || (raw[0] >> 4) != 4) {
      return null;
    }
    int ihl = (raw[0] & 0x0f) * 4;
    int protocol = raw[9] & 0xff;
    Tcp tcp = null;
    Icmp icmp = null;
    if (protocol == 1 && raw.length >= ihl + 8) {
      icmp =
          new Icmp(
              raw[ihl] & 0xff,
              raw[ihl + 1] & 0xff,
              ((raw[ihl + 4] & 0xff) << 8) | (raw[ihl + 5] & 0xff),
              ((raw[ihl + 6] & 0xff) << 8) | (raw[ihl + 7] & 0xff));
    }
    if (protocol == 6 && raw.length >= ihl + 8) {
      int sport = ((raw[ihl] & 0xff) << 8) | (raw[ihl + 1] & 0xff);
      int dport = ((raw[ihl + 2] & 0xff) << 8) | (raw[ihl + 3] & 0xff);
      long seq =
          ((long) (raw[ihl + 4] & 0xff) << 24)
              | ((raw[ihl + 5] & 0xff) << 16)
              | ((raw[ihl + 6] & 0xff) << 8)
              | (raw[ihl + 7] & 0xff);
      tcp = new Tcp(sport, dport, "?", seq, 0, 0, List.of(), 0);
    }
    return new PacketView(
        0,
        address(raw, 12),
        address(raw, 16),
        raw[8] & 0xff,
        ((raw[4] & 0xff) << 8) | (raw[5] & 0xff),
        (raw[6] & 0x40) != 0,
        raw[1] & 0xff,
        ((raw[2] & 0xff) << 8) | (raw[3] & 0xff),
        protocol,
        tcp,
        icmp,
        null);
  }

  private static String address(byte[] raw, int at) {
    return (raw[at] & 0xff)
        + "."
        + (raw[at + 1] & 0xff)
        + "."
        + (raw[at + 2] & 0xff)
        + "."
        + (raw[at + 3] & 0xff);
  }

  private static Tcp tcp(TcpPacket t) {
    TcpPacket.TcpHeader th = t.getHeader();
    StringBuilder flags = new StringBuilder();
    if (th.getFin()) {
      flags.append('F');
    }
    if (th.getSyn()) {
      flags.append('S');
    }
    if (th.getRst()) {
      flags.append('R');
    }
    if (th.getPsh()) {
      flags.append('P');
    }
    if (th.getAck()) {
      flags.append('.');
    }
    List<String> options = th.getOptions().stream().map(PacketView::option).toList();
    return new Tcp(
        th.getSrcPort().valueAsInt(),
        th.getDstPort().valueAsInt(),
        flags.toString(),
        th.getSequenceNumberAsLong(),
        th.getAcknowledgmentNumberAsLong(),
        th.getWindowAsInt(),
        options,
        t.getPayload() == null ? 0 : t.getPayload().length());
  }

  private static String option(TcpPacket.TcpOption option) {
    return switch (option.getKind().value()) {
      case 0 -> "eol";
      case 1 -> "nop";
      case 2 -> "mss " + (((option.getRawData()[2] & 0xff) << 8) | (option.getRawData()[3] & 0xff));
      case 3 -> "wscale " + (option.getRawData()[2] & 0xff);
      case 4 -> "sackOK";
      case 8 -> "TS";
      default -> "opt-" + (option.getKind().value() & 0xff);
    };
  }
}
