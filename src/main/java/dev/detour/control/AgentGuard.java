package dev.detour.control;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.net.InetAddress;
import java.util.List;

/**
 * What a control agent agrees to probe. An agent abroad is reachable by anyone who finds it; it
 * must never become a way into its own network or a free scanner: private, loopback, link-local,
 * multicast and reserved addresses (documentation, benchmarking, carrier NAT, …) are refused unless
 * a prefix of {@code detour.agent.allow} covers them.
 */
final class AgentGuard {

  private static final List<IPAddress> RESERVED =
      List.of(
              "0.0.0.0/8",
              "100.64.0.0/10",
              "192.0.0.0/24",
              "192.0.2.0/24",
              "198.18.0.0/15",
              "198.51.100.0/24",
              "203.0.113.0/24",
              "240.0.0.0/4",
              "2001:db8::/32",
              "fc00::/7",
              "::ffff:0:0/96",
              "64:ff9b::/96",
              "64:ff9b:1::/48",
              "2001::/32",
              "2002::/16")
          .stream()
          .map(p -> new IPAddressString(p).getAddress())
          .toList();

  private final List<IPAddress> allowed;

  AgentGuard(List<String> allow) {
    this.allowed =
        allow.stream()
            .map(
                p -> {
                  IPAddress a = new IPAddressString(p.strip()).getAddress();
                  if (a == null) {
                    throw new IllegalStateException(
                        "detour.agent.allow: '" + p + "' is not an address or prefix");
                  }
                  return a;
                })
            .toList();
  }

  /** Why the agent refuses to probe this address, or null when it may. */
  String refusal(InetAddress target) {
    IPAddress address = new IPAddressString(target.getHostAddress()).getAddress();
    if (address == null) {
      return "unreadable address";
    }
    for (IPAddress allow : allowed) {
      if (allow.contains(address)) {
        return null;
      }
    }
    if (address.isLoopback()
        || address.isLinkLocal()
        || address.isAnyLocal()
        || address.isMulticast()
        || address.isLocal()
        || (address.isIPv4() && address.toIPv4().isPrivate())) {
      return target.getHostAddress() + " is a private or local address";
    }
    for (IPAddress reserved : RESERVED) {
      if (reserved.getIPVersion() == address.getIPVersion() && reserved.contains(address)) {
        return target.getHostAddress() + " is in the reserved range " + reserved.toPrefixBlock();
      }
    }
    return null;
  }
}
