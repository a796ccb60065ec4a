package dev.detour.route.mikrotik;

import dev.detour.route.Prefixes;
import dev.detour.route.RouterException;
import dev.detour.route.plan.Fence;
import inet.ipaddr.IPAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a RouterOS router says must never be routed into its tunnel ({@link
 * RouterOsBackend#fences}).
 */
final class RouterOsFences {

  /** Tunnel menus whose entries have a {@code remote-address} and a {@code local-address}. */
  private static final List<String> TUNNELS =
      List.of("gre", "eoip", "ipip", "gre6", "ipipv6", "eoipv6");

  private RouterOsFences() {}

  static List<Fence> of(RouterOsBackend backend) throws RouterException {
    Map<String, Fence> fences = new LinkedHashMap<>();
    String gateway = backend.settings.gateway();
    boolean tunnel = false;
    for (String kind : TUNNELS) {
      for (Map<String, String> row :
          backend.optionalRows(
              "interface/" + kind,
              List.of("name", "local-address", "remote-address"),
              Map.of("name", gateway))) {
        tunnel = true;
        fence(fences, row.get("remote-address"), "remote-address of " + gateway + " (far end)");
        fence(fences, row.get("local-address"), "local-address of " + gateway);
      }
      if (tunnel) {
        break;
      }
    }
    if (!tunnel) {
      for (Map<String, String> row :
          backend.optionalRows(
              "interface/wireguard/peers",
              List.of("interface", "endpoint-address", "current-endpoint-address"),
              Map.of("interface", gateway))) {
        fence(fences, row.get("endpoint-address"), "endpoint of a WireGuard peer on " + gateway);
        fence(
            fences,
            row.get("current-endpoint-address"),
            "endpoint of a WireGuard peer on " + gateway);
      }
    }
    for (String menu : List.of("ip/address", "ipv6/address")) {
      for (Map<String, String> row :
          backend.optionalRows(menu, List.of("address", "interface"), Map.of())) {
        String address = row.get("address");
        if (address != null) {
          int slash = address.indexOf('/');
          fence(
              fences,
              slash < 0 ? address : address.substring(0, slash),
              "address of the router on " + row.getOrDefault("interface", "an interface"));
        }
      }
    }
    return List.copyOf(fences.values());
  }

  /** Adds a single address as a fence, unless it is unset, a DNS name or link-local. */
  private static void fence(Map<String, Fence> fences, String address, String reason) {
    if (address == null || address.isBlank()) {
      return;
    }
    IPAddress parsed;
    try {
      parsed = Prefixes.parse(address);
    } catch (IllegalArgumentException e) {
      return;
    }
    if (parsed.isZero() || parsed.isLinkLocal() || parsed.isLoopback() || parsed.isMultiple()) {
      return;
    }
    fences.putIfAbsent(parsed.toCanonicalString(), new Fence(parsed.toCanonicalString(), reason));
  }
}
