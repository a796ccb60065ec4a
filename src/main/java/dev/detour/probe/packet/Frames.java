package dev.detour.probe.packet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Crafts the packets probes send, as the bytes of IPv4 or IPv6 packets (the family of the
 * addresses): SYNs of both shapes, the RST that closes them, the ACK and data segment of the censor
 * locator, echo requests (ICMP or ICMPv6). Written byte by byte, the way a scanner fills in a
 * template: building them through a packet library's objects was a tenth of a probe round's CPU
 * (bench/run's profile), and the layouts are fixed by the RFCs (791, 793, 792; 8200, 4443).
 *
 * <p>Over IPv6 the SYNs are 20 bytes longer (a 40-byte header without options or extension
 * headers): the Linux-like SYN is 80 bytes, the bare MSS-only one 64; the hop limit takes the TTL's
 * place.
 */
public final class Frames {

  static final int IP_HEADER = 20;
  static final int IP6_HEADER = 40;
  private static final int TCP_HEADER = 20;
  private static final int ETHERNET_HEADER = 14;

  /** The shortest Ethernet frame without its checksum: shorter frames are padded. */
  private static final int ETHERNET_MIN = 60;

  private static final int TCP = 6;
  private static final int ICMP = 1;
  private static final int ICMP6 = 58;
  private static final int ICMP6_ECHO_REQUEST = 128;

  private static final short MSS = 1460;
  private static final int LINUX_WINDOW = 64240;
  private static final int BARE_WINDOW = 5840;

  private static final int SYN = 0x02;
  private static final int RST = 0x04;
  private static final int PSH = 0x08;
  private static final int ACK = 0x10;

  private Frames() {}

  public static byte[] syn(
      InetAddress source,
      InetAddress target,
      int sourcePort,
      int port,
      long seq,
      SynShape shape,
      int ttl) {
    byte[] options;
    if (shape == SynShape.LINUX) {
      // mss, sackOK, TS, nop, wscale: Linux's own order.
      options = new byte[20];
      mss(options, 0);
      options[4] = 4;
      options[5] = 2;
      options[6] = 8;
      options[7] = 10;
      putInt(options, 8, (int) (System.nanoTime() / 1_000_000));
      options[16] = 1;
      options[17] = 3;
      options[18] = 3;
      options[19] = 7;
    } else {
      options = new byte[4];
      mss(options, 0);
    }
    int window = shape == SynShape.LINUX ? LINUX_WINDOW : BARE_WINDOW;
    return tcp(source, target, ttl, sourcePort, port, seq, 0, SYN, window, options, null);
  }

  /** The RST that closes a half-open probe connection after its SYN-ACK. */
  public static byte[] rst(
      InetAddress source, InetAddress target, int sourcePort, int port, long seq) {
    return tcp(source, target, 64, sourcePort, port, seq, 0, RST, 0, null, null);
  }

  /** The ACK that completes a handshake. */
  public static byte[] ack(
      InetAddress source, InetAddress target, int sourcePort, int port, long seq, long ack) {
    return tcp(source, target, 64, sourcePort, port, seq, ack, ACK, LINUX_WINDOW, null, null);
  }

  /** A data segment (PSH+ACK) with its own TTL: an HTTP request or a ClientHello. */
  public static byte[] data(
      InetAddress source,
      InetAddress target,
      int sourcePort,
      int port,
      long seq,
      long ack,
      int ttl,
      byte[] payload) {
    return tcp(
        source, target, ttl, sourcePort, port, seq, ack, PSH | ACK, LINUX_WINDOW, null, payload);
  }

  /** An echo request with 56 random bytes, as ping sends (ICMPv6 to an IPv6 target). */
  public static byte[] echo(
      InetAddress source, InetAddress target, int identifier, int sequence, int ttl) {
    boolean v6 = target instanceof Inet6Address;
    byte[] p = ip(source, target, ttl, v6 ? ICMP6 : ICMP, 8 + 56);
    int at = header(p);
    p[at] = (byte) (v6 ? ICMP6_ECHO_REQUEST : 8);
    putShort(p, at + 4, identifier);
    putShort(p, at + 6, sequence);
    byte[] data = new byte[56];
    ThreadLocalRandom.current().nextBytes(data);
    System.arraycopy(data, 0, p, at + 8, data.length);
    // ICMPv6's checksum covers a pseudo-header as TCP's does; ICMP's the message alone.
    int pseudo = v6 ? pseudoHeader(p, ICMP6, p.length - at) : 0;
    putShort(p, at + 2, checksum(p, at, p.length - at, pseudo));
    return p;
  }

  /**
   * The IP packet as it goes on an Ethernet link: to the next hop, with the EtherType of its
   * version, padded to 60 bytes.
   */
  static byte[] ethernet(byte[] own, byte[] next, byte[] ip) {
    byte[] frame = new byte[Math.max(ETHERNET_MIN, ETHERNET_HEADER + ip.length)];
    System.arraycopy(next, 0, frame, 0, 6);
    System.arraycopy(own, 0, frame, 6, 6);
    if ((ip[0] & 0xf0) == 0x60) {
      frame[12] = (byte) 0x86;
      frame[13] = (byte) 0xdd;
    } else {
      frame[12] = 0x08;
    }
    System.arraycopy(ip, 0, frame, ETHERNET_HEADER, ip.length);
    return frame;
  }

  /** The length of a crafted packet's IP header: 20 for IPv4, 40 for IPv6. */
  static int header(byte[] p) {
    return (p[0] & 0xf0) == 0x60 ? IP6_HEADER : IP_HEADER;
  }

  /** The sum of the pseudo-header over which TCP and ICMPv6 checksums run. */
  private static int pseudoHeader(byte[] p, int protocol, int length) {
    boolean v6 = (p[0] & 0xf0) == 0x60;
    return sum(p, v6 ? 8 : 12, v6 ? 32 : 8, 0) + protocol + length;
  }

  private static byte[] tcp(
      InetAddress source,
      InetAddress target,
      int ttl,
      int sourcePort,
      int port,
      long seq,
      long ack,
      int flags,
      int window,
      byte[] options,
      byte[] payload) {
    int optionBytes = options == null ? 0 : options.length;
    int payloadBytes = payload == null ? 0 : payload.length;
    int segment = TCP_HEADER + optionBytes + payloadBytes;
    byte[] p = ip(source, target, ttl, TCP, segment);
    int at = header(p);
    putShort(p, at, sourcePort);
    putShort(p, at + 2, port);
    putInt(p, at + 4, (int) seq);
    putInt(p, at + 8, (int) ack);
    p[at + 12] = (byte) (((TCP_HEADER + optionBytes) / 4) << 4);
    p[at + 13] = (byte) flags;
    putShort(p, at + 14, window);
    if (options != null) {
      System.arraycopy(options, 0, p, at + TCP_HEADER, optionBytes);
    }
    if (payload != null) {
      System.arraycopy(payload, 0, p, at + TCP_HEADER + optionBytes, payloadBytes);
    }
    // The pseudo-header: addresses, protocol and the segment's length.
    putShort(p, at + 16, checksum(p, at, segment, pseudoHeader(p, TCP, segment)));
    return p;
  }

  /**
   * A packet of {@code n} payload bytes after an IP header filled in: IPv4 with DF set and a random
   * IP-ID, or IPv6 with no flow label and {@code ttl} as its hop limit.
   */
  private static byte[] ip(InetAddress source, InetAddress target, int ttl, int protocol, int n) {
    byte[] from = source.getAddress();
    byte[] to = target.getAddress();
    if (from.length != to.length) {
      throw new IllegalArgumentException(
          "a packet from " + source.getHostAddress() + " cannot go to " + target.getHostAddress());
    }
    if (to.length == 16) {
      byte[] p = new byte[IP6_HEADER + n];
      p[0] = 0x60;
      putShort(p, 4, n);
      p[6] = (byte) protocol;
      p[7] = (byte) ttl;
      System.arraycopy(from, 0, p, 8, 16);
      System.arraycopy(to, 0, p, 24, 16);
      return p;
    }
    byte[] p = new byte[IP_HEADER + n];
    p[0] = 0x45;
    putShort(p, 2, p.length);
    putShort(p, 4, ThreadLocalRandom.current().nextInt(1, 65536));
    p[6] = 0x40;
    p[8] = (byte) ttl;
    p[9] = (byte) protocol;
    System.arraycopy(from, 0, p, 12, 4);
    System.arraycopy(to, 0, p, 16, 4);
    putShort(p, 10, checksum(p, 0, IP_HEADER, 0));
    return p;
  }

  private static void mss(byte[] options, int at) {
    options[at] = 2;
    options[at + 1] = 4;
    putShort(options, at + 2, MSS);
  }

  /** The Internet checksum (RFC 1071) of {@code length} bytes from {@code at}, plus {@code sum}. */
  static int checksum(byte[] b, int at, int length, int sum) {
    int s = sum(b, at, length, sum);
    while ((s >>> 16) != 0) {
      s = (s & 0xffff) + (s >>> 16);
    }
    return ~s & 0xffff;
  }

  private static int sum(byte[] b, int at, int length, int sum) {
    int s = sum;
    int end = at + length;
    int i = at;
    for (; i + 1 < end; i += 2) {
      s += ((b[i] & 0xff) << 8) | (b[i + 1] & 0xff);
    }
    if (i < end) {
      s += (b[i] & 0xff) << 8;
    }
    return s;
  }

  private static void putShort(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 8);
    b[at + 1] = (byte) value;
  }

  private static void putInt(byte[] b, int at, int value) {
    b[at] = (byte) (value >>> 24);
    b[at + 1] = (byte) (value >>> 16);
    b[at + 2] = (byte) (value >>> 8);
    b[at + 3] = (byte) value;
  }
}
