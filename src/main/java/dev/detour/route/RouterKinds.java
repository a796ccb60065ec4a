package dev.detour.route;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;

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
   * Every configured router's settings, checked, by name; the keys set for each are read from the
   * configuration's raw property names.
   *
   * @throws IllegalArgumentException naming the key to fix
   */
  public Map<String, RouterSettings> configured(RoutersConfig config) {
    return configured(config, ConfigProvider.getConfig().getPropertyNames());
  }

  /**
   * @param names the configuration's raw property names, to tell which keys are set
   */
  Map<String, RouterSettings> configured(RoutersConfig config, Iterable<String> names) {
    Set<String> known = new TreeSet<>(RouterKind.COMMON_KEYS);
    byType.values().forEach(k -> known.addAll(k.keys()));
    Map<String, Set<String>> set = RouterKeys.set(config.routers().keySet(), names, known);
    Map<String, RouterSettings> all = new LinkedHashMap<>();
    config
        .routers()
        .forEach(
            (name, router) -> {
              RouterKind kind = kind(name, router.type());
              checkKeys(name, kind, set.get(name));
              RouterSettings settings = RouterSettings.of(name, router, kind);
              // Settings only the backend understands, e.g. the form of a Linux gateway.
              kind.open(settings).close();
              all.put(name, settings);
            });
    return all;
  }

  /** A key the router's kind does not take would be ignored: Detour stops instead, naming it. */
  private static void checkKeys(String router, RouterKind kind, Set<String> set) {
    Set<String> takes = new TreeSet<>(RouterKind.COMMON_KEYS);
    takes.addAll(kind.keys());
    List<String> wrong =
        set.stream()
            .filter(k -> !takes.contains(k))
            // An environment variable that names no key at all is named as it was set.
            .map(k -> k.equals(RouterKeys.env(k)) ? k : "detour.routers." + router + "." + k)
            .toList();
    if (!wrong.isEmpty()) {
      throw new IllegalArgumentException(
          String.join(", ", wrong)
              + ": a "
              + kind.type()
              + " router does not take "
              + (wrong.size() == 1 ? "this key" : "these keys")
              + "; it takes "
              + String.join(", ", takes));
    }
  }
}
