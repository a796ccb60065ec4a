package dev.detour.route.linux;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.Optional;

/**
 * Where a Linux router's routes go, read from its {@code gateway}: the tunnel device ({@code gre1},
 * {@code wg0}), a next hop ({@code 192.0.2.1}), or both ({@code 192.0.2.1%vx0}) — and, for an
 * Ethernet-like tunnel that carries both families, one next hop of each, comma-separated on the
 * same device ({@code 192.0.2.1%vx0,2001:db8::1%vx0}). A family without a next hop of its own goes
 * by the device alone, which a point-to-point tunnel needs no more than.
 *
 * @param device the tunnel device, or null
 * @param via4 the IPv4 next hop, or null
 * @param via6 the IPv6 next hop, or null
 */
record LinuxGateway(String device, String via4, String via6) {

  /**
   * @param router the router's name, for the key in a message
   * @throws IllegalArgumentException naming the key and the forms it takes
   */
  static LinuxGateway parse(String router, String gateway) {
    String device = null;
    String via4 = null;
    String via6 = null;
    for (String hop : gateway.strip().split("\\s*,\\s*", -1)) {
      if (hop.isEmpty()) {
        throw wrong(router, "an empty hop");
      }
      int zone = hop.indexOf('%');
      String address = zone >= 0 ? hop.substring(0, zone) : hop;
      String dev = zone >= 0 ? hop.substring(zone + 1) : null;
      IPAddress parsed = new IPAddressString(address).getAddress();
      if (parsed == null || parsed.isMultiple() || parsed.isPrefixed()) {
        if (zone >= 0 || !address.matches("[A-Za-z0-9._@-]{1,15}")) {
          throw wrong(router, "'" + hop + "' is neither an interface name nor an address");
        }
        dev = address;
      } else if (parsed.isIPv4() ? via4 != null : via6 != null) {
        throw wrong(router, "one next hop per address family");
      } else if (parsed.isIPv4()) {
        via4 = parsed.toCanonicalString();
      } else {
        via6 = parsed.toCanonicalString();
      }
      if (dev != null) {
        if (!dev.matches("[A-Za-z0-9._@-]{1,15}")) {
          throw wrong(router, "'" + dev + "' is no interface name");
        }
        if (device != null && !device.equals(dev)) {
          throw wrong(router, "one tunnel device, not " + device + " and " + dev);
        }
        device = dev;
      }
    }
    return new LinuxGateway(device, via4, via6);
  }

  /** The next hop for routes of the family of {@code ipv4}, if the gateway has one. */
  Optional<String> via(boolean ipv4) {
    return Optional.ofNullable(ipv4 ? via4 : via6);
  }

  /** How the gateway reads in a description: {@code gre1}, or {@code via 192.0.2.1 dev vx0}. */
  String describe() {
    StringBuilder text = new StringBuilder();
    for (String via : new String[] {via4, via6}) {
      if (via != null) {
        text.append(text.isEmpty() ? "via " : ", ").append(via);
      }
    }
    if (device != null) {
      text.append(text.isEmpty() ? "" : " dev ").append(device);
    }
    return text.toString();
  }

  private static IllegalArgumentException wrong(String router, String why) {
    return new IllegalArgumentException(
        "detour.routers."
            + router
            + ".gateway: "
            + why
            + "; an interface (gre1), a next hop (192.0.2.1), both (192.0.2.1%vx0), or a next hop"
            + " of each family on one device (192.0.2.1%vx0,2001:db8::1%vx0)");
  }
}
