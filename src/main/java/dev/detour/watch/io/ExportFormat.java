package dev.detour.watch.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The formats watches export to; each is a {@link ListWriter}. */
public enum ExportFormat {
  /** One target per line, a {@code # group} comment before each group's entries. */
  PLAIN("text/plain; charset=utf-8", "txt"),
  /** Addresses and prefixes in CIDR notation, one per line, no comments; hosts left out. */
  CIDR("text/plain; charset=utf-8", "cidr.txt"),
  /** A JSON array of watches, as the API shows them; imports back unchanged. */
  JSON("application/json", "json"),
  /** A RouterOS script of routes through a gateway, as in the seed; host names are comments. */
  ROUTEROS("text/plain; charset=utf-8", "rsc");

  private final String mediaType;
  private final String extension;

  ExportFormat(String mediaType, String extension) {
    this.mediaType = mediaType;
    this.extension = extension;
  }

  public String mediaType() {
    return mediaType;
  }

  public String extension() {
    return extension;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  public ListWriter writer(OutputStream out, ObjectMapper mapper, String gateway) {
    return switch (this) {
      case PLAIN -> new PlainListWriter(out);
      case CIDR -> new CidrListWriter(out);
      case JSON -> new JsonListWriter(out, mapper);
      case ROUTEROS -> new RouterOsWriter(out, gateway);
    };
  }

  public static ExportFormat byName(String name) {
    String wanted = name.strip().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(f -> f.label().equals(wanted)).findFirst().orElse(null);
  }

  public static String allNames() {
    return Arrays.stream(values()).map(ExportFormat::label).collect(Collectors.joining(", "));
  }
}
