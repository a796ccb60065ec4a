package dev.detour.api;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/** Query parameters read the same way everywhere, each mistake added to the problem's errors. */
public final class QueryParams {

  private QueryParams() {}

  /**
   * A comma-separated list of an enum's labels ({@code blocked,down}; any case, {@code -} for
   * {@code _}), or null when the parameter is absent.
   */
  public static <E extends Enum<E>> Set<E> enums(
      String text, Class<E> type, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Set<E> all = EnumSet.noneOf(type);
    for (String word : text.split(",")) {
      String name = word.strip().replace('-', '_').toUpperCase(Locale.ROOT);
      E value =
          Arrays.stream(type.getEnumConstants())
              .filter(c -> c.name().equals(name))
              .findFirst()
              .orElse(null);
      if (value == null) {
        errors.add(
            FieldError.field(
                field,
                "unknown "
                    + field
                    + " '"
                    + word.strip()
                    + "'; known: "
                    + Arrays.stream(type.getEnumConstants())
                        .map(c -> c.name().toLowerCase(Locale.ROOT))
                        .collect(Collectors.joining(", "))));
      } else {
        all.add(value);
      }
    }
    return all;
  }

  /**
   * Comma-separated values of an open set (block methods, probes): null when none are given; each
   * parsed by {@code parse}, which throws for what it does not know.
   *
   * @param known what may be named, for the error
   */
  public static <T> Set<T> values(
      String text, Function<String, T> parse, String known, String field, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Set<T> all = new LinkedHashSet<>();
    for (String word : text.split(",")) {
      try {
        all.add(parse.apply(word.strip().replace('-', '_')));
      } catch (IllegalArgumentException e) {
        errors.add(
            FieldError.field(
                field, "unknown " + field + " '" + word.strip() + "'; known: " + known));
      }
    }
    return all;
  }

  /** A page number from 0 and a page size from 1 to {@code max}. */
  public static void page(int page, int size, int max, List<FieldError> errors) {
    if (page < 0) {
      errors.add(FieldError.field("page", "0 or more"));
    }
    if (size < 1 || size > max) {
      errors.add(FieldError.field("size", "from 1 to " + max));
    } else if ((long) page * size > Integer.MAX_VALUE) {
      errors.add(FieldError.field("page", "too far: page × size must stay below 2^31"));
    }
  }
}
