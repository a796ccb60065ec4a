package dev.detour.probe.packet;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

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

  /** Reads an Ethernet frame (VLAN-tagged or not); null when it is not IPv4. */
  public static PacketView ofEthernet(byte[] frame, long nanos) {
    int at = 12;
    // 802.1Q and 802.1ad tags: four bytes each before the real EtherType.
    while (frame.length >= at + 2 && (u16(frame, at) == 0x8100 || u16(frame, at) == 0x88a8)) {
      at += 4;
    }
    if (frame.length < at + 2 || u16(frame, at) != 0x0800) {
      return null;
    }
    return ofIp(frame, at + 2, frame.length - at - 2, nanos);
  }

  /** Reads a bare IPv4 packet (a tunnel without link layer, or one quoted in an ICMP error). */
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
