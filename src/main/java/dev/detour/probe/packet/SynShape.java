package dev.detour.probe.packet;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The two SYNs of the seed. DPI boxes have been seen to pass one and reset the other, so every TCP
 * probe sends both.
 */
public enum SynShape {
  /** MSS only: 44 bytes (64 over IPv6), as {@code traceroute -T} and hping3 craft it. */
  BARE(44),
  /**
   * MSS, SACK permitted, timestamps, NOP, window scale: 60 bytes (80 over IPv6), as a Linux browser
   * sends.
   */
  LINUX(60);

  /** How much longer an IPv6 header is than an IPv4 one without options. */
  private static final int IPV6_EXTRA = 20;

  private final int length;

  SynShape(int length) {
    this.length = length;
  }

  /** The IPv4 packet's total length. */
  public int length() {
    return length;
  }

  /** The packet's length over IP {@code version} 4 or 6 (header and payload). */
  public int length(int version) {
    return version == 6 ? length + IPV6_EXTRA : length;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
