package dev.detour.route.mikrotik;

import dev.detour.route.RouterKind;
import java.util.HashSet;
import java.util.Set;

/**
 * What the two ways of speaking to RouterOS have in common: a login, TLS checked against a CA or a
 * pin, entries told apart by their comment, routes or address-list entries, in RouterOS's {@code
 * main} table unless set, and changes paced for a small router's sake.
 */
abstract class RouterOsKind implements RouterKind {

  private static final Set<String> ROUTER_OS_KEYS =
      Set.of(
          "username",
          "password",
          "password-file",
          "ca-file",
          "certificate-sha256",
          "comment-prefix",
          "mode",
          "address-list",
          "changes-per-second");

  private final Set<String> keys;

  /**
   * @param own the keys of this way of reaching the router (its address)
   */
  RouterOsKind(Set<String> own) {
    Set<String> all = new HashSet<>(ROUTER_OS_KEYS);
    all.addAll(own);
    this.keys = Set.copyOf(all);
  }

  @Override
  public Set<String> keys() {
    return keys;
  }

  @Override
  public String defaultRoutingTable() {
    return "main";
  }

  @Override
  public boolean needsLogin() {
    return true;
  }

  @Override
  public boolean paced() {
    return true;
  }
}
