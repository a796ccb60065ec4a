package dev.detour.probe.packet;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The strings that repeat across the packets a monitor keeps as evidence — addresses, flag sets,
 * TCP option lists — held once each. A watch keeps its latest round's packets (about five for a SYN
 * watch); with their own copies of "192.0.2.1", "S." and "mss 1460" they were 28 strings a watch,
 * over a third of the heap at 100,000 watches (bench/run's class histogram).
 */
final class PacketStrings {

  /** Past this many distinct addresses (a prefix sweep), new ones are no longer remembered. */
  static final int MAX_ADDRESSES = 1 << 18;

  /** Distinct option lists are few (one per TCP stack and shape); past this, none are added. */
  static final int MAX_OPTION_LISTS = 4096;

  private static final ConcurrentHashMap<Integer, String> ADDRESSES = new ConcurrentHashMap<>();
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

  /** The dotted IPv4 address at {@code at}. */
  static String address(byte[] b, int at) {
    int key =
        ((b[at] & 0xff) << 24)
            | ((b[at + 1] & 0xff) << 16)
            | ((b[at + 2] & 0xff) << 8)
            | (b[at + 3] & 0xff);
    String known = ADDRESSES.get(key);
    if (known != null) {
      return known;
    }
    String text =
        (b[at] & 0xff)
            + "."
            + (b[at + 1] & 0xff)
            + "."
            + (b[at + 2] & 0xff)
            + "."
            + (b[at + 3] & 0xff);
    if (ADDRESSES.size() < MAX_ADDRESSES) {
      String raced = ADDRESSES.putIfAbsent(key, text);
      return raced == null ? text : raced;
    }
    return text;
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
