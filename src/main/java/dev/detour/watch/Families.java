package dev.detour.watch;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.targets.Addresses;
import java.util.Locale;

/**
 * Which address families a group's watches are probed over ({@code detour.monitor.families}, or the
 * group's own): a host name's A and AAAA addresses both, or one family only — for a home without
 * IPv6, where every IPv6 address would look down.
 */
public enum Families {
  BOTH,
  V4,
  V6;

  /** The setting's words, as written in configuration, the API and the form. */
  public static final String WORDS = "both, v4 or v6";

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The setting for {@code text}, or null when it is none of {@link #WORDS}. */
  public static Families parse(String text) {
    if (text == null) {
      return null;
    }
    for (Families f : values()) {
      if (f.label().equals(text.strip().toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }

  /** Whether an address (IPv6 ones have a colon) or prefix of this text is probed. */
  public boolean allows(String address) {
    boolean v6 = Addresses.isV6(address);
    return this == BOTH || (this == V6) == v6;
  }
}
