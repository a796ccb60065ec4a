package dev.detour.route.plan;

import java.util.List;

/**
 * What to plan routes for.
 *
 * @param wanted prefixes or addresses to route, IPv4 or IPv6, as text ({@code 1.2.3.4}, {@code
 *     1.2.3.0/24}, {@code 2001:db8::/32}); host bits are ignored ({@code 1.2.3.5/24} is {@code
 *     1.2.3.0/24})
 * @param forbidden prefixes no route may touch, each with its reason
 * @param minPrefixV4 no IPv4 route is shorter than this (8: nothing wider than a /8)
 * @param minPrefixV6 no IPv6 route is shorter than this
 * @param maxRoutes the route budget, IPv4 and IPv6 together; a plan that needs more than {@link
 *     #MAX_ROUTES} routes must be given at most that many (the rest is reported as uncovered)
 */
public record PlanInput(
    List<String> wanted, List<Fence> forbidden, int minPrefixV4, int minPrefixV6, int maxRoutes) {

  /**
   * The most routes a plan holds, and so the largest budget that may leave wanted addresses
   * uncovered (a larger one is fine when fewer routes cover everything); also the most {@code
   * detour.routers.<name>.max-routes} allows.
   */
  public static final int MAX_ROUTES = 1_000_000;

  /** The default shortest IPv4 route, as for watches. */
  public static final int MIN_PREFIX_V4 = 8;

  /** The default shortest IPv6 route, as for watches. */
  public static final int MIN_PREFIX_V6 = 16;

  public PlanInput {
    wanted = List.copyOf(wanted);
    forbidden = List.copyOf(forbidden);
    if (minPrefixV4 < 0 || minPrefixV4 > 32) {
      throw new IllegalArgumentException("minPrefixV4 must be 0..32, not " + minPrefixV4);
    }
    if (minPrefixV6 < 0 || minPrefixV6 > 128) {
      throw new IllegalArgumentException("minPrefixV6 must be 0..128, not " + minPrefixV6);
    }
    if (maxRoutes < 0) {
      throw new IllegalArgumentException("maxRoutes must not be negative: " + maxRoutes);
    }
  }

  /** With the default shortest routes, /8 and /16. */
  public PlanInput(List<String> wanted, List<Fence> forbidden, int maxRoutes) {
    this(wanted, forbidden, MIN_PREFIX_V4, MIN_PREFIX_V6, maxRoutes);
  }
}
