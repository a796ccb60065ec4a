package dev.detour.route;

import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;

/**
 * The keys set under each router's {@code detour.routers.<name>.}, read from the raw property names
 * as SmallRye lists them. {@link RoutersConfig.Router} takes every kind's keys, so a key a router's
 * kind does not take is only seen here.
 *
 * <p>The names come as written in properties files and {@code -D} ({@code
 * detour.routers.home.ca-file}) and as environment variables ({@code DETOUR_ROUTERS_HOME_CA_FILE},
 * which lost the dashes and dots). SmallRye lists a variable a second time in dotted form: as the
 * key it matched ({@code detour.routers.home.ca-file}), or lower case with every {@code _} a dot
 * when it matched none ({@code detour.routers.home.ca.file}); that echo is passed over and the
 * variable read instead.
 */
final class RouterKeys {

  private static final String PREFIX = "detour.routers.";
  private static final String ENV_PREFIX = env(PREFIX);

  private RouterKeys() {}

  /**
   * The keys set for each of {@code routers}: as written, or as the key an environment variable
   * names; a variable that names none, as its own name. Names of routers not listed are passed
   * over.
   *
   * @param known every key any kind takes, to tell what an environment variable names
   */
  static Map<String, Set<String>> set(
      Collection<String> routers, Iterable<String> names, Set<String> known) {
    Set<String> all = new HashSet<>();
    names.forEach(all::add);
    // The longest first: a router "home-lab" is not "home" with a key "lab-…".
    List<String> longestFirst =
        routers.stream().sorted(Comparator.comparing(String::length).reversed()).toList();
    Map<String, Set<String>> keys = new LinkedHashMap<>();
    routers.forEach(r -> keys.put(r, new TreeSet<>()));
    for (String name : all) {
      if (name.startsWith(ENV_PREFIX) && name.equals(env(name))) {
        String rest = name.substring(ENV_PREFIX.length());
        router(longestFirst, rest, r -> env(r) + "_")
            .ifPresent(
                r -> {
                  String key = rest.substring(env(r).length() + 1);
                  keys.get(r)
                      .add(known.stream().filter(k -> env(k).equals(key)).findFirst().orElse(name));
                });
      } else if (name.startsWith(PREFIX) && !all.contains(env(name))) {
        String rest = name.substring(PREFIX.length());
        router(longestFirst, rest, r -> r + ".")
            .ifPresent(r -> keys.get(r).add(rest.substring(r.length() + 1)));
      }
    }
    return keys;
  }

  private static Optional<String> router(
      List<String> routers, String rest, UnaryOperator<String> start) {
    return routers.stream().filter(r -> rest.startsWith(start.apply(r))).findFirst();
  }

  /** A name as an environment variable writes it: upper case, every other character a {@code _}. */
  static String env(String name) {
    return name.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
