package dev.detour.probe.packet;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strings that repeat across packets — flag sets, TCP option lists — held once each, and
 * addresses written without a formatter. Addresses were held once each too while watches kept their
 * packets as objects; now that a watch keeps its round packed ({@code PackedEvidence}) packets are
 * short-lived, and a table of every address seen was 100 bytes an address that stayed.
 */
final class PacketStrings {

  /** Distinct option lists are few (one per TCP stack and shape); past this, none are added. */
  static final int MAX_OPTION_LISTS = 4096;

  private static final ConcurrentHashMap<List<String>, List<String>> OPTIONS =
      new ConcurrentHashMap<>();

  /** Flags as tcpdump writes them, by the low five bits of the TCP flags byte (F S R P ACK). */
  private static final String[] FLAGS = new String[32];

  static {
    for (int f = 0; f < FLAGS.length; f++) {
      StringBuilder s = new StringBuilder(5);
      if ((f & 0x01) != 0) {
        s.append('F');
      }
      if ((f & 0x02) != 0) {
        s.append('S');
      }
      if ((f & 0x04) != 0) {
        s.append('R');
      }
      if ((f & 0x08) != 0) {
        s.append('P');
      }
      if ((f & 0x10) != 0) {
        s.append('.');
      }
      FLAGS[f] = s.toString();
    }
  }

  private PacketStrings() {}

  /** The IPv6 address at {@code at} as RFC 5952 writes it (what {@code ip} and tcpdump print). */
  static String address6(byte[] b, int at) {
    int[] groups = new int[8];
    for (int g = 0; g < 8; g++) {
      groups[g] = ((b[at + 2 * g] & 0xff) << 8) | (b[at + 2 * g + 1] & 0xff);
    }
    // The longest run of two or more zero groups (the first of equals) becomes "::".
    int bestStart = -1;
    int bestLength = 1;
    for (int g = 0; g < 8; ) {
      if (groups[g] != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && groups[g] == 0) {
        g++;
      }
      if (g - start > bestLength) {
        bestStart = start;
        bestLength = g - start;
      }
    }
    StringBuilder s = new StringBuilder(39);
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        s.append("::");
        g += bestLength - 1;
        continue;
      }
      if (s.length() > 0 && s.charAt(s.length() - 1) != ':') {
        s.append(':');
      }
      s.append(Integer.toHexString(groups[g]));
    }
    return s.toString();
  }

  /** The dotted IPv4 address at {@code at}. */
  static String address(byte[] b, int at) {
    return (b[at] & 0xff)
        + "."
        + (b[at + 1] & 0xff)
        + "."
        + (b[at + 2] & 0xff)
        + "."
        + (b[at + 3] & 0xff);
  }

  /** The flags of a TCP flags byte ({@code S}, {@code S.}, {@code R.}; URG, ECE, CWR not named). */
  static String flags(int flagsByte) {
    return FLAGS[flagsByte & 0x1f];
  }

  /** The one kept copy of an equal (immutable) option list. */
  static List<String> options(List<String> options) {
    List<String> known = OPTIONS.get(options);
    if (known != null) {
      return known;
    }
    if (OPTIONS.size() < MAX_OPTION_LISTS) {
      List<String> raced = OPTIONS.putIfAbsent(options, options);
      return raced == null ? options : raced;
    }
    return options;
  }
}
