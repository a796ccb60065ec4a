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
 */
public record RouterRoute(
    String id, String prefix, String gateway, String comment, boolean dynamic, boolean owned) {}
