package dev.detour.probe.packet;

/**
 * Prints packets the way {@code tcpdump -nn -v} does, because that is how the people who use Detour
 * read evidence (the seed's traces are in this form).
 */
public final class Tcpdump {

  private Tcpdump() {}

  /**
   * {@code IP (tos 0x0, ttl 58, id 1, offset 0, flags [none], proto TCP (6), length 40)
   * 203.0.113.11.80 > 198.51.100.2.41722: Flags [R], seq 0, win 29200, length 0}.
   */
  public static String line(PacketView p) {
    StringBuilder out;
    if (p.version() == 6) {
      // IPv6: {@code IP6 (flowlabel 0x5d1c2, hlim 64, next-header TCP (6) payload length: 40)}.
      out =
          new StringBuilder("IP6 (")
              .append(p.tos() != 0 ? "class 0x" + Integer.toHexString(p.tos()) + ", " : "")
              .append(p.ipId() != 0 ? "flowlabel 0x" + Integer.toHexString(p.ipId()) + ", " : "")
              .append("hlim ")
              .append(p.ttl())
              .append(", next-header ")
              .append(protocol(p.protocol()))
              .append(" (")
              .append(p.protocol())
              .append(") payload length: ")
              .append(p.length() - 40)
              .append(") ");
    } else {
      out = v4Header(p);
    }
    return body(p, out);
  }

  private static StringBuilder v4Header(PacketView p) {
    return new StringBuilder("IP (tos 0x")
        .append(Integer.toHexString(p.tos()))
        .append(", ttl ")
        .append(p.ttl())
        .append(", id ")
        .append(p.ipId())
        .append(", offset 0, flags [")
        .append(p.dontFragment() ? "DF" : "none")
        .append("], proto ")
        .append(protocol(p.protocol()))
        .append(" (")
        .append(p.protocol())
        .append("), length ")
        .append(p.length())
        .append(") ");
  }

  private static String body(PacketView p, StringBuilder out) {
    if (p.tcp() != null) {
      PacketView.Tcp t = p.tcp();
      out.append(p.source())
          .append('.')
          .append(t.sourcePort())
          .append(" > ")
          .append(p.destination())
          .append('.')
          .append(t.destinationPort())
          .append(": Flags [")
          .append(t.flags())
          .append("], seq ")
          .append(t.seq());
      if (t.ackFlag()) {
        out.append(", ack ").append(t.ack());
      }
      out.append(", win ").append(t.window());
      if (!t.options().isEmpty()) {
        out.append(", options [").append(String.join(",", t.options())).append(']');
      }
      out.append(", length ").append(t.payloadLength());
    } else if (p.icmp() != null) {
      PacketView.Icmp i = p.icmp();
      out.append(p.source()).append(" > ").append(p.destination());
      if (p.version() == 6) {
        return icmp6(p, i, out.append(": ICMP6, ")).toString();
      }
      out.append(": ICMP ");
      switch (i.type()) {
        case PacketView.Icmp.ECHO_REPLY ->
            out.append("echo reply, id ")
                .append(i.identifier())
                .append(", seq ")
                .append(i.sequence());
        case PacketView.Icmp.ECHO_REQUEST ->
            out.append("echo request, id ")
                .append(i.identifier())
                .append(", seq ")
                .append(i.sequence());
        case PacketView.Icmp.TIME_EXCEEDED -> out.append("time exceeded in-transit");
        case PacketView.Icmp.UNREACHABLE ->
            out.append(p.quoted() == null ? "" : p.quoted().destination() + " ")
                .append("unreachable, code ")
                .append(i.code());
        default -> out.append("type ").append(i.type()).append(", code ").append(i.code());
      }
    } else {
      out.append(p.source()).append(" > ").append(p.destination());
    }
    return out.toString();
  }

  private static StringBuilder icmp6(PacketView p, PacketView.Icmp i, StringBuilder out) {
    return switch (i.type()) {
      case PacketView.Icmp.V6_ECHO_REPLY, PacketView.Icmp.V6_ECHO_REQUEST ->
          out.append(i.type() == PacketView.Icmp.V6_ECHO_REPLY ? "echo reply" : "echo request")
              .append(", id ")
              .append(i.identifier())
              .append(", seq ")
              .append(i.sequence());
      case PacketView.Icmp.V6_TIME_EXCEEDED -> out.append("time exceeded in-transit");
      case PacketView.Icmp.V6_UNREACHABLE ->
          out.append("destination unreachable, ")
              .append(p.quoted() == null ? "" : p.quoted().destination() + " ")
              .append("code ")
              .append(i.code());
      case PacketView.Icmp.V6_TOO_BIG -> out.append("packet too big");
      default -> out.append("type ").append(i.type()).append(", code ").append(i.code());
    };
  }

  private static String protocol(int number) {
    return switch (number) {
      case 1 -> "ICMP";
      case 58 -> "ICMPv6";
      case 6 -> "TCP";
      case 17 -> "UDP";
      default -> "proto-" + number;
    };
  }
}
