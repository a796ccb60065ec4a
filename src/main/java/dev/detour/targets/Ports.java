package dev.detour.targets;

import dev.detour.api.FieldError;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The ports of a target: the rule the API, every importer and the probe API share. */
public final class Ports {

  /** The most ports one watch or one probe names. */
  public static final int MAX = 32;

  private Ports() {}

  /**
   * The ports as given, checked: each 1–65535, none twice, at most {@link #MAX}; {@code defaults}
   * when none are given. Adds what is wrong to {@code errors} (and returns null then).
   */
  public static List<Integer> check(
      List<Integer> raw, List<Integer> defaults, String field, List<FieldError> errors) {
    if (raw == null) {
      return defaults;
    }
    if (raw.isEmpty()) {
      errors.add(
          FieldError.field(
              field, "give at least one port, or leave the field out for " + defaults));
      return null;
    }
    if (raw.size() > MAX) {
      errors.add(FieldError.field(field, "at most " + MAX + " ports per watch"));
      return null;
    }
    Set<Integer> ports = new LinkedHashSet<>();
    for (int i = 0; i < raw.size(); i++) {
      Integer port = raw.get(i);
      if (port == null || port < 1 || port > 65535) {
        errors.add(FieldError.field(field + "[" + i + "]", "a port is a number from 1 to 65535"));
      } else if (!ports.add(port)) {
        errors.add(FieldError.field(field + "[" + i + "]", "port " + port + " is listed twice"));
      }
    }
    return new ArrayList<>(ports);
  }
}
