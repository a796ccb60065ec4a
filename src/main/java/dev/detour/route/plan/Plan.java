package dev.detour.route.plan;

import java.math.BigInteger;
import java.util.List;

/**
 * The routes chosen and what they cost, counted in addresses per family: IPv4 in longs, IPv6 in
 * BigIntegers, since one /64 alone holds 2^64 addresses. Every count is exact: the planner weighs
 * an IPv6 address as much as an IPv4 one (see {@link RoutePlanner}), so a plan's cost is the sum of
 * both families' counts.
 *
 * @param routes the routes as CIDR text (an address is its /32 or /128), IPv4 first, each family in
 *     address order
 * @param wantedAddresses IPv4 addresses wanted and not forbidden
 * @param collateralAddresses IPv4 addresses routed that are not wanted
 * @param uncoveredAddresses wanted IPv4 addresses left out because the budget is too small
 * @param wantedAddressesV6 IPv6 addresses wanted and not forbidden
 * @param collateralAddressesV6 IPv6 addresses routed that are not wanted
 * @param uncoveredAddressesV6 wanted IPv6 addresses left out because the budget is too small
 * @param fenced wanted prefixes a forbidden prefix removed, with its reason (the most specific
 *     fence's): the first {@link #FENCED_LIMIT}, IPv4 first, in address order
 * @param fencedCount how many such prefixes there are in all
 * @param nanos how long planning took
 */
public record Plan(
    List<String> routes,
    long wantedAddresses,
    long collateralAddresses,
    long uncoveredAddresses,
    BigInteger wantedAddressesV6,
    BigInteger collateralAddressesV6,
    BigInteger uncoveredAddressesV6,
    List<Fence> fenced,
    int fencedCount,
    long nanos) {

  /** At most this many fenced prefixes are listed. */
  public static final int FENCED_LIMIT = 1000;

  public Plan {
    routes = List.copyOf(routes);
    fenced = List.copyOf(fenced);
  }
}
