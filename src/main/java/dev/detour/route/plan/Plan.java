package dev.detour.route.plan;

import java.util.List;

/**
 * The routes chosen and what they cost. Address counts are IPv4 only: IPv6 is routed as given (see
 * {@link RoutePlanner}), so it has no collateral, and its counts would not fit a long.
 *
 * @param routes the routes as CIDR text (an address is its /32 or /128), IPv4 first, each family in
 *     address order
 * @param wantedAddresses IPv4 addresses wanted and not forbidden
 * @param collateralAddresses IPv4 addresses routed that are not wanted
 * @param uncoveredAddresses wanted IPv4 addresses left out because the budget is too small
 * @param uncoveredV6Routes IPv6 routes left out because the budget is too small
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
    long uncoveredV6Routes,
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
