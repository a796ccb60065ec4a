package dev.detour.watch.io;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The list formats Detour imports. Adding one is a reader class and an entry here; {@link
 * FormatDetector} learns to recognise it if it has a tell-tale shape.
 */
public enum ListFormat {
  /** One target per line, {@code #} comments; also antifilter / Re:filter {@code .lst}. */
  PLAIN(PlainListReader::new, false, false, "plain", "lst", "txt"),
  /** Telegram's {@code cidr.txt}: like plain, but only addresses and prefixes. */
  CIDR(PlainListReader::new, true, false, "cidr"),
  /**
   * The registry dump CSV ({@code ip;domain;url;authority;decision;date}); a row per blocked URL,
   * so the same domain and addresses repeat by design.
   */
  REGISTRY_CSV(RegistryCsvReader::new, false, true, "registry-csv", "csv", "zapret"),
  /** A RouterOS export of routes or address lists. */
  ROUTEROS(RouterOsReader::new, false, false, "routeros", "rsc", "mikrotik"),
  /** A JSON array of watches, as exported. */
  JSON(JsonListReader::new, false, false, "json");

  private final Supplier<ListReader> reader;
  private final boolean addressesOnly;
  private final boolean repeatsExpected;
  private final List<String> names;

  ListFormat(
      Supplier<ListReader> reader,
      boolean addressesOnly,
      boolean repeatsExpected,
      String... names) {
    this.reader = reader;
    this.addressesOnly = addressesOnly;
    this.repeatsExpected = repeatsExpected;
    this.names = List.of(names);
  }

  public ListReader reader() {
    return reader.get();
  }

  /** Whether host names are refused in this format. */
  public boolean addressesOnly() {
    return addressesOnly;
  }

  /** Whether an entry listed twice is normal in this format, not worth a warning. */
  public boolean repeatsExpected() {
    return repeatsExpected;
  }

  public String label() {
    return names.get(0);
  }

  /** Finds a format by any of its names; null if there is none. */
  public static ListFormat byName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.names.contains(wanted)).findFirst().orElse(null);
  }

  public static String allNames() {
    return Arrays.stream(values()).map(ListFormat::label).collect(Collectors.joining(", "));
  }
}
