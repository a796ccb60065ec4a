package dev.detour.route;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.route.plan.Fence;
import java.math.BigInteger;
import java.time.Instant;
import java.util.List;

/**
 * One router as of its latest sync: the plan (desired routes, collateral, what guard rails fenced),
 * what the router holds, what the next sync would change, and how the last one went.
 *
 * @param wantedAddresses IPv4 addresses the plan wants routed (blocked, pinned, not fenced)
 * @param collateralAddresses IPv4 addresses routed that are not wanted
 * @param uncoveredAddresses wanted IPv4 addresses the budget leaves out
 * @param wantedAddressesV6 the same for IPv6, as a decimal string in JSON: the counts go up to
 *     2^128, past what a JSON number holds exactly in most parsers
 * @param collateralAddressesV6 IPv6 addresses routed that are not wanted (a string in JSON)
 * @param uncoveredAddressesV6 wanted IPv6 addresses the budget leaves out (a string in JSON)
 * @param pendingAdd prefixes still to add (in dry-run, or held while the tunnel is down), first 200
 * @param foreign wanted prefixes the user's own routes already carry (left to them)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RouterStatus(
    String name,
    String type,
    String gateway,
    String routingTable,
    String mode,
    int maxRoutes,
    Instant syncedAt,
    Instant okAt,
    String error,
    Boolean tunnelUp,
    boolean dryRun,
    boolean killSwitch,
    int desired,
    int applied,
    int failed,
    long wantedAddresses,
    long collateralAddresses,
    long uncoveredAddresses,
    @JsonFormat(shape = JsonFormat.Shape.STRING) BigInteger wantedAddressesV6,
    @JsonFormat(shape = JsonFormat.Shape.STRING) BigInteger collateralAddressesV6,
    @JsonFormat(shape = JsonFormat.Shape.STRING) BigInteger uncoveredAddressesV6,
    int unverified,
    double planMillis,
    List<Fence> fenced,
    int fencedCount,
    int pendingAddCount,
    int pendingRemoveCount,
    List<String> pendingAdd,
    List<String> pendingRemove,
    List<String> foreign,
    List<String> routes) {

  static RouterStatus never(RouterSettings s) {
    return new RouterStatus(
        s.name(),
        s.type(),
        s.gateway(),
        s.routingTable(),
        s.mode().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
        s.maxRoutes(),
        null,
        null,
        null,
        null,
        false,
        false,
        0,
        0,
        0,
        0,
        0,
        0,
        BigInteger.ZERO,
        BigInteger.ZERO,
        BigInteger.ZERO,
        0,
        0,
        List.of(),
        0,
        0,
        0,
        List.of(),
        List.of(),
        List.of(),
        List.of());
  }

  /** This status after a sync at {@code at} that failed: the latest plan kept, the error new. */
  RouterStatus failedAt(Instant at, String error) {
    return with(at, error, fenced, pendingAdd, pendingRemove, foreign, routes);
  }

  /** The same without the long lists: for the overview. */
  public RouterStatus summary() {
    return with(syncedAt, error, null, null, null, null, null);
  }

  private RouterStatus with(
      Instant syncedAt,
      String error,
      List<Fence> fenced,
      List<String> pendingAdd,
      List<String> pendingRemove,
      List<String> foreign,
      List<String> routes) {
    return new RouterStatus(
        name,
        type,
        gateway,
        routingTable,
        mode,
        maxRoutes,
        syncedAt,
        okAt,
        error,
        tunnelUp,
        dryRun,
        killSwitch,
        desired,
        applied,
        failed,
        wantedAddresses,
        collateralAddresses,
        uncoveredAddresses,
        wantedAddressesV6,
        collateralAddressesV6,
        uncoveredAddressesV6,
        unverified,
        planMillis,
        fenced,
        fencedCount,
        pendingAddCount,
        pendingRemoveCount,
        pendingAdd,
        pendingRemove,
        foreign,
        routes);
  }
}
