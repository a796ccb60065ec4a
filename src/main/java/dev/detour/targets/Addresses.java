package dev.detour.targets;

/** What the text of an address or prefix says about it before it is parsed. */
public final class Addresses {

  private Addresses() {}

  /**
   * Whether {@code text}, an address or prefix already known to be one ({@code 2001:db8::1}, {@code
   * 198.18.0.1/32}), is IPv6: only IPv6 is written with colons.
   */
  public static boolean isV6(String text) {
    return text.indexOf(':') >= 0;
  }
}
