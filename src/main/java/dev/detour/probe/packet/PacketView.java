package dev.detour.probe.packet;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.detour.targets.Addresses;
import java.util.List;

/**
 * What a captured (or sent) IPv4 or IPv6 packet says, in the terms an engineer reads off tcpdump:
 * the IP header's TTL (IPv6: hop limit), IP-ID (IPv6: flow label), DF (always set for IPv6, which
 * routers never fragment) and length, and the TCP flags, sequence numbers, window and options, or
 * the ICMP (ICMPv6) type. {@code quoted} is the packet an ICMP error carries back (for
 * time-exceeded: the probe that expired), so an answer can be matched to what drew it. IPv6
 * addresses are written as RFC 5952 does ({@link #text}).
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

  /**
   * The ICMP part: type and code as on the wire (ICMPv6's own numbers for an IPv6 packet), and for
   * echo messages their identifier and sequence. Ask the packet ({@link #echoReply()} …) rather
   * than compare types: the numbers differ per family.
   */
  public record Icmp(int type, int code, int identifier, int sequence) {
    public static final int ECHO_REPLY = 0;
    public static final int UNREACHABLE = 3;
    public static final int ECHO_REQUEST = 8;
    public static final int TIME_EXCEEDED = 11;
    public static final int V6_UNREACHABLE = 1;
    public static final int V6_TOO_BIG = 2;
    public static final int V6_TIME_EXCEEDED = 3;
    public static final int V6_ECHO_REQUEST = 128;
    public static final int V6_ECHO_REPLY = 129;
  }

  /** 6 for an IPv6 packet, else 4. */
  public int version() {
    return Addresses.isV6(source) ? 6 : 4;
  }

  /** An echo reply of either family. */
  public boolean echoReply() {
    return icmpType(Icmp.ECHO_REPLY, Icmp.V6_ECHO_REPLY);
  }

  /** An echo request of either family. */
  public boolean echoRequest() {
    return icmpType(Icmp.ECHO_REQUEST, Icmp.V6_ECHO_REQUEST);
  }

  /** Time (TTL, hop limit) exceeded in transit, of either family. */
  public boolean timeExceeded() {
    return icmpType(Icmp.TIME_EXCEEDED, Icmp.V6_TIME_EXCEEDED);
  }

  /** Destination unreachable, of either family. */
  public boolean unreachable() {
    return icmpType(Icmp.UNREACHABLE, Icmp.V6_UNREACHABLE);
  }

  private boolean icmpType(int v4, int v6) {
    return icmp != null && icmp.type() == (version() == 6 ? v6 : v4);
  }

  /** An address as packets' views write it: dotted IPv4, RFC 5952 IPv6. */
  public static String text(java.net.InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 16 ? PacketStrings.address6(b, 0) : PacketStrings.address(b, 0);
  }

  /** The packet as {@code tcpdump -nn -v} prints it, for people reading the evidence. */
  @JsonProperty("tcpdump")
  public String tcpdump() {
    return Tcpdump.line(this);
  }

  /** Reads an Ethernet frame (VLAN-tagged or not); null when it is neither IPv4 nor IPv6. */
  public static PacketView ofEthernet(byte[] frame, long nanos) {
    int at = 12;
    // 802.1Q and 802.1ad tags: four bytes each before the real EtherType.
    while (frame.length >= at + 2 && (u16(frame, at) == 0x8100 || u16(frame, at) == 0x88a8)) {
      at += 4;
    }
    if (frame.length < at + 2 || (u16(frame, at) != 0x0800 && u16(frame, at) != 0x86dd)) {
      return null;
    }
    return ofIp(frame, at + 2, frame.length - at - 2, nanos);
  }

  /** Reads a bare IP packet (a tunnel without link layer, or one quoted in an ICMP error). */
  public static PacketView ofIp(byte[] packet, long nanos) {
    return ofIp(packet, 0, packet.length, nanos);
  }

  /**
   * Reads the IPv4 packet in {@code length} bytes from {@code at}: null when it is not one (too
   * short, not version 4, a header longer than the packet). A TCP or ICMP part too short to read is
   * left out, as tcpdump marks it truncated. Read by hand, the way tcpdump does: a packet library's
   * objects per answer were a tenth of a probe round's CPU.
   */
  static PacketView ofIp(byte[] b, int at, int length, long nanos) {
    if (length >= 40 && (b[at] & 0xf0) == 0x60) {
      return ofIp6(b, at, length, nanos);
    }
    if (length < 20 || (b[at] & 0xf0) != 0x40) {
      return null;
    }
    int ihl = (b[at] & 0x0f) * 4;
    int total = u16(b, at + 2);
    if (ihl < 20 || ihl > length || total < ihl) {
      return null;
    }
    // Link-layer padding is not part of the packet; a snapped capture may hold less than all.
    int end = at + Math.min(length, total);
    int protocol = b[at + 9] & 0xff;
    int l4 = at + ihl;
    boolean firstFragment = (u16(b, at + 6) & 0x1fff) == 0;
    Tcp tcp = null;
    Icmp icmp = null;
    PacketView quoted = null;
    if (protocol == 6 && firstFragment) {
      tcp = tcp(b, l4, end);
    } else if (protocol == 1 && firstFragment && end - l4 >= 4) {
      int type = b[l4] & 0xff;
      int code = b[l4 + 1] & 0xff;
      int id = 0;
      int seq = 0;
      if (type == Icmp.ECHO_REPLY || type == Icmp.ECHO_REQUEST) {
        if (end - l4 >= 8) {
          id = u16(b, l4 + 4);
          seq = u16(b, l4 + 6);
        }
      } else if (end - l4 > 8) {
        // After the 4-byte header and the error's unused word: the packet that drew it.
        quoted = quotedHeaderOnly(java.util.Arrays.copyOfRange(b, l4 + 8, end));
      }
      icmp = new Icmp(type, code, id, seq);
    }
    return new PacketView(
        nanos,
        address(b, at + 12),
        address(b, at + 16),
        b[at + 8] & 0xff,
        u16(b, at + 4),
        (b[at + 6] & 0x40) != 0,
        b[at + 1] & 0xff,
        total,
        protocol,
        tcp,
        icmp,
        quoted);
  }

  /**
   * Reads the IPv6 packet in {@code length} bytes from {@code at}, past its extension headers
   * (hop-by-hop, routing, destination options, fragment): null when the payload length exceeds the
   * bytes or a header runs past them. A later fragment has no TCP or ICMPv6 part to read.
   */
  private static PacketView ofIp6(byte[] b, int at, int length, long nanos) {
    int payload = u16(b, at + 4);
    int end = at + Math.min(length, 40 + payload);
    int next = b[at + 6] & 0xff;
    int l4 = at + 40;
    boolean firstFragment = true;
    for (int headers = 0; headers < 8; headers++) {
      if (next == 0 || next == 43 || next == 60) {
        if (l4 + 8 > end) {
          return null;
        }
        int size = ((b[l4 + 1] & 0xff) + 1) * 8;
        next = b[l4] & 0xff;
        l4 += size;
      } else if (next == 44) {
        if (l4 + 8 > end) {
          return null;
        }
        firstFragment = (u16(b, l4 + 2) & 0xfff8) == 0;
        next = b[l4] & 0xff;
        l4 += 8;
      } else {
        break;
      }
    }
    if (l4 > end) {
      return null;
    }
    Tcp tcp = null;
    Icmp icmp = null;
    PacketView quoted = null;
    if (next == 6 && firstFragment) {
      tcp = tcp(b, l4, end);
    } else if (next == 58 && firstFragment && end - l4 >= 4) {
      int type = b[l4] & 0xff;
      int code = b[l4 + 1] & 0xff;
      int id = 0;
      int seq = 0;
      if (type == Icmp.V6_ECHO_REPLY || type == Icmp.V6_ECHO_REQUEST) {
        if (end - l4 >= 8) {
          id = u16(b, l4 + 4);
          seq = u16(b, l4 + 6);
        }
      } else if (type < 128 && end - l4 > 8) {
        // Errors quote as much of the packet that drew them as fits, after a 4-byte word.
        quoted = quotedHeaderOnly(java.util.Arrays.copyOfRange(b, l4 + 8, end));
      }
      icmp = new Icmp(type, code, id, seq);
    }
    int flowLabel = ((b[at + 1] & 0x0f) << 16) | u16(b, at + 2);
    return new PacketView(
        nanos,
        PacketStrings.address6(b, at + 8),
        PacketStrings.address6(b, at + 24),
        b[at + 7] & 0xff,
        flowLabel,
        true,
        ((b[at] & 0x0f) << 4) | ((b[at + 1] & 0xf0) >> 4),
        40 + payload,
        next,
        tcp,
        icmp,
        quoted);
  }

  private static Tcp tcp(byte[] b, int at, int end) {
    if (end - at < 20) {
      return null;
    }
    int offset = ((b[at + 12] & 0xf0) >> 4) * 4;
    if (offset < 20 || at + offset > end) {
      return null;
    }
    return new Tcp(
        u16(b, at),
        u16(b, at + 2),
        PacketStrings.flags(b[at + 13] & 0xff),
        u32(b, at + 4),
        u32(b, at + 8),
        u16(b, at + 14),
        options(b, at + 20, at + offset),
        end - at - offset);
  }

  /** The TCP options as tcpdump names them; a malformed one ends the list. */
  private static List<String> options(byte[] b, int at, int end) {
    if (at >= end) {
      return List.of();
    }
    List<String> all = new java.util.ArrayList<>(6);
    int i = at;
    while (i < end) {
      int kind = b[i] & 0xff;
      if (kind == 0) {
        all.add("eol");
        break;
      }
      if (kind == 1) {
        all.add("nop");
        i++;
        continue;
      }
      if (i + 1 >= end) {
        break;
      }
      int len = b[i + 1] & 0xff;
      if (len < 2 || i + len > end) {
        break;
      }
      all.add(
          switch (kind) {
            case 2 -> len == 4 ? "mss " + u16(b, i + 2) : "opt-2";
            case 3 -> len == 3 ? "wscale " + (b[i + 2] & 0xff) : "opt-3";
            case 4 -> "sackOK";
            case 8 -> "TS";
            default -> "opt-" + kind;
          });
      i += len;
    }
    return PacketStrings.options(List.copyOf(all));
  }

  private static int u16(byte[] b, int at) {
    return ((b[at] & 0xff) << 8) | (b[at + 1] & 0xff);
  }

  private static long u32(byte[] b, int at) {
    return ((long) (b[at] & 0xff) << 24)
        | ((b[at + 1] & 0xff) << 16)
        | ((b[at + 2] & 0xff) << 8)
        | (b[at + 3] & 0xff);
  }

  /** An IP header plus 8 bytes of TCP, as routers quote: enough for ports and sequence. */
  static PacketView quotedHeaderOnly(byte[] raw) {
    if (raw.length >= 48 && (raw[0] & 0xf0) == 0x60) {
      // IPv6 routers quote as much as fits in 1,280 bytes: the whole probe, readable as such.
      PacketView v = ofIp6(raw, 0, raw.length, 0);
      if (v != null && v.tcp() == null && v.protocol() == 6) {
        int sport = u16(raw, 40);
        int dport = u16(raw, 42);
        return new PacketView(
            0,
            v.source(),
            v.destination(),
            v.ttl(),
            v.ipId(),
            true,
            v.tos(),
            v.length(),
            6,
            new Tcp(sport, dport, "?", u32(raw, 44), 0, 0, List.of(), 0),
            null,
            null);
      }
      return v;
    }
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
    return PacketStrings.address(raw, at);
  }
}
