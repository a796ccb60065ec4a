package dev.detour.route;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The kinds of router there are, by type, and the configured routers checked against them. */
@ApplicationScoped
public class RouterKinds {

  private final Map<String, RouterKind> byType = new TreeMap<>();

  @Inject
  public RouterKinds(Instance<RouterKind> all) {
    this(all.stream().toList());
  }

  RouterKinds(List<RouterKind> all) {
    for (RouterKind kind : all) {
      RouterKind before = byType.put(kind.type(), kind);
      if (before != null) {
        throw new IllegalStateException(
            "two router kinds of type " + kind.type() + ": " + before + " and " + kind);
      }
    }
  }

  /**
   * The kind {@code type} names.
   *
   * @throws IllegalArgumentException naming the router's type key and the types there are
   */
  public RouterKind kind(String router, String type) {
    RouterKind kind = byType.get(type);
    if (kind == null) {
      throw new IllegalArgumentException(
          "detour.routers."
              + router
              + ".type: no router type '"
              + type
              + "'; the types are "
              + String.join(", ", byType.keySet()));
    }
    return kind;
  }

  /**
   * Every configured router's settings, checked, by name.
   *
   * @throws IllegalArgumentException naming the key to fix
   */
  public Map<String, RouterSettings> configured(RoutersConfig config) {
    Map<String, RouterSettings> all = new LinkedHashMap<>();
    config
        .routers()
        .forEach(
            (name, router) -> {
              RouterKind kind = kind(name, router.type());
              RouterSettings settings = RouterSettings.of(name, router, kind);
              // Settings only the backend understands, e.g. the form of a Linux gateway.
              kind.open(settings).close();
              all.put(name, settings);
            });
    return all;
  }
}
