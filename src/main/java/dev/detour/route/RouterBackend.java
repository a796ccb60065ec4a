package dev.detour.route;

import dev.detour.route.plan.Fence;
import java.util.List;

/**
 * One kind of router Detour pushes routes to: MikroTik over REST (RouterOS 7) or the API protocol
 * (RouterOS 6), or this Linux host's own table. A backend only talks to its router; what to change
 * is decided by {@link Reconciler}, which touches nothing but entries {@link RouterRoute#owned()}.
 *
 * <p>Every method may block on the network for up to the router's timeout; none retries on its own.
 */
public interface RouterBackend extends AutoCloseable {

  /** What answers at the other end, e.g. "RouterOS 7.16 (CHR)" — the "test connection" result. */
  String describe() throws RouterException;

  /**
   * Every static entry in the configured table or address list — Detour's and the user's (so that
   * the reconciler can leave a route the user already made alone) — normalised. Dynamic entries may
   * be listed with {@code dynamic} set, or left out.
   */
  List<RouterRoute> list() throws RouterException;

  /**
   * Adds one entry for {@code prefix} through the configured gateway, marked with {@code comment}
   * (the comment prefix and why). Returns it as the router now has it.
   */
  RouterRoute add(String prefix, String comment) throws RouterException;

  /**
   * Writes an owned entry that drifted ({@link RouterRoute#drift()}) back the way {@link #add}
   * would write it — gateway, distance, table, enabled — in place, keeping its comment: no moment
   * without the route. An entry that is gone, or whose id now names another entry, is {@link
   * RouterException.Kind#NOT_FOUND}.
   */
  void update(RouterRoute route) throws RouterException;

  /**
   * Removes one entry Detour owns. An entry that is already gone is no error ({@link
   * RouterException.Kind#NOT_FOUND} is thrown and counted as done by the caller).
   */
  void remove(RouterRoute route) throws RouterException;

  /**
   * Addresses this router says must never be routed into the tunnel: the tunnel's own far end (e.g.
   * {@code remote-address} of the GRE interface), the router's own addresses. Empty when the
   * backend cannot tell.
   */
  default List<Fence> fences() throws RouterException {
    return List.of();
  }

  /** Whether the tunnel interface (the gateway) exists and is up, or null when unknown. */
  default Boolean gatewayUp() throws RouterException {
    return null;
  }

  @Override
  default void close() {}
}
