package dev.detour.probe.packet;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The two SYNs of the seed. DPI boxes have been seen to pass one and reset the other, so every TCP
 * probe sends both.
 */
public enum SynShape {
  /** MSS only: 44 bytes, as {@code traceroute -T} and hping3 craft it. */
  BARE(44),
  /** MSS, SACK permitted, timestamps, NOP, window scale: 60 bytes, as a Linux browser sends. */
  LINUX(60);

  private final int length;

  SynShape(int length) {
    this.length = length;
  }

  /** The IPv4 packet's total length. */
  public int length() {
    return length;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
