package dev.detour.route;

/**
 * One entry as a router reports it, normalised: a route ({@code /ip route}, {@code ip route}) or,
 * in address-list mode, an address-list entry.
 *
 * @param id the router's handle for it ({@code *1A} on RouterOS, the route spec on Linux); changes
 *     when a router reboots, so it is only used within one sync
 * @param prefix CIDR text as {@link Prefixes#normalise} writes it ({@code 1.2.3.4/32})
 * @param gateway the next hop or interface, or null (address-list entries have none)
 * @param comment the router's comment (RouterOS) or null; ownership is decided by it
 * @param dynamic made by the router itself (connected, BGP, OSPF, DHCP): never Detour's to touch
 * @param owned whether Detour made it (its comment prefix, or its protocol number on Linux)
 * @param drift for an owned entry, how it differs from what Detour would write now — its gateway,
 *     distance, table or {@code disabled} changed by hand or by a new configuration, e.g. {@code
 *     gateway gre-old (wanted gre-tunnel1)}; null when it is as written
 */
public record RouterRoute(
    String id,
    String prefix,
    String gateway,
    String comment,
    boolean dynamic,
    boolean owned,
    String drift) {

  /** An entry as written, without drift. */
  public RouterRoute(
      String id, String prefix, String gateway, String comment, boolean dynamic, boolean owned) {
    this(id, prefix, gateway, comment, dynamic, owned, null);
  }

  /** One difference between {@code have} and {@code want} of {@code attribute}, or null. */
  public static String differs(String attribute, String have, String want) {
    return want.equals(have == null ? "" : have)
        ? null
        : attribute
            + " "
            + (have == null || have.isEmpty() ? "unset" : have)
            + " (wanted "
            + want
            + ")";
  }

  /** The differences found, joined, or null for none. */
  public static String drift(String... differences) {
    StringBuilder all = new StringBuilder();
    for (String d : differences) {
      if (d != null) {
        all.append(all.length() == 0 ? "" : ", ").append(d);
      }
    }
    return all.length() == 0 ? null : all.toString();
  }
}
