package dev.detour.route;

import java.util.Optional;
import java.util.Set;

/**
 * One kind of router Detour pushes routes to, as {@code detour.routers.<name>.type} names it: the
 * keys its settings take, what it needs of them, and how to open its {@link RouterBackend}. Each
 * kind is a bean in its own package ({@code route.mikrotik}, {@code route.linux}); {@link
 * RouterKinds} finds them all, so a new kind is one package and one bean, and nothing here knows
 * the kinds there are.
 */
public interface RouterKind {

  /** The keys under {@code detour.routers.<name>.} that every kind takes. */
  Set<String> COMMON_KEYS =
      Set.of("type", "gateway", "distance", "routing-table", "max-routes", "timeout");

  /** The type as users write it, e.g. {@code mikrotik-rest}. */
  String type();

  /** The keys this kind takes besides {@link #COMMON_KEYS}; any other stops Detour at start. */
  Set<String> keys();

  /** The routing table when {@code routing-table} is not set. */
  String defaultRoutingTable();

  /** Whether the router wants a login: {@code username} and a password. */
  boolean needsLogin();

  /**
   * Whether changes go at most {@code changes-per-second}, so that a small router survives a big
   * sync; otherwise as fast as the router takes them.
   */
  boolean paced();

  /**
   * Checks what only this kind has rules for (a key it requires, a value it cannot take).
   *
   * @param key {@code detour.routers.<name>.}, to name the key at fault
   * @throws IllegalArgumentException naming the key and what to write instead
   */
  default void check(String key, RoutersConfig.Router router) {}

  /**
   * The device on this host the router's tunnel leaves by, when the router is this host: what was
   * just routed is checked through it. Empty when the tunnel is elsewhere.
   */
  default Optional<String> tunnelDevice(RouterSettings settings) {
    return Optional.empty();
  }

  /**
   * The router's backend; it connects on its first call, so opening never touches the network.
   *
   * @throws IllegalArgumentException naming the key when the settings do not fit this kind
   */
  RouterBackend open(RouterSettings settings);
}
