package dev.detour.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.api.FieldError;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The kinds of probe Detour runs. The lower-case {@link #label()} is what users write in the API
 * and configuration and what the {@code probe} metric label carries.
 */
public enum ProbeKind {
  ICMP,
  TCP_SYN,
  /** A plain {@code connect()}: what works without raw packets. */
  TCP_CONNECT,
  HTTP,
  TLS,
  DNS,
  TRACE;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a label such as {@code tcp_syn} (also {@code tcp-syn}, any case). */
  @JsonCreator
  public static ProbeKind of(String label) {
    String wanted = label.trim().replace('-', '_').toUpperCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(k -> k.name().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown probe '" + label + "'; known probes: " + allLabels()));
  }

  /**
   * Probes named in a request, checked: null when none are named (the caller's default), else a
   * set; adds what is wrong to {@code errors}.
   */
  public static Set<ProbeKind> check(Set<ProbeKind> raw, String field, List<FieldError> errors) {
    if (raw == null) {
      return null;
    }
    if (raw.isEmpty() || raw.contains(null)) {
      errors.add(
          FieldError.field(
              field,
              "name one or more of "
                  + allLabels()
                  + ", or leave the field out to use the default"));
      return null;
    }
    return EnumSet.copyOf(raw);
  }

  public static String allLabels() {
    return Arrays.stream(values()).map(ProbeKind::label).collect(Collectors.joining(", "));
  }
}
