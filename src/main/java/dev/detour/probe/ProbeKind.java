package dev.detour.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
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

  public static String allLabels() {
    return Arrays.stream(values()).map(ProbeKind::label).collect(Collectors.joining(", "));
  }
}
