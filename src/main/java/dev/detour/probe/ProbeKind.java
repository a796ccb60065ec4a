package dev.detour.probe;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * A kind of probe by its label ({@code icmp}, {@code tcp_syn}, {@code dns}, …): what users write in
 * the API and configuration, what the {@code probe} metric label carries. Each probe declares its
 * own kind ({@link Probe#kind()}); which kinds exist is what the probes present say ({@link
 * Probes}), so a new kind of probe needs no change here.
 */
public record ProbeKind(String label) implements Comparable<ProbeKind> {

  private static final Pattern LABEL = Pattern.compile("[a-z][a-z0-9_]{0,23}");

  public ProbeKind {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "a probe is named by 1-24 lower-case letters, digits and '_', not '" + label + "'");
    }
  }

  /** Every kind a probe present here declared (filled as {@link Probes} meets them). */
  private static final Set<ProbeKind> KNOWN = ConcurrentHashMap.newKeySet();

  /** A probe present here is of this kind. */
  static void known(ProbeKind kind) {
    KNOWN.add(kind);
  }

  /**
   * A kind named in a request (JSON): one of the probes present here, else a clear refusal that
   * lists them — at the exact place in the request that names it.
   */
  @JsonCreator
  public static ProbeKind named(String label) {
    ProbeKind kind = of(label);
    if (!KNOWN.isEmpty() && !KNOWN.contains(kind)) {
      throw new IllegalArgumentException(
          "unknown probe '"
              + label
              + "'; known probes: "
              + String.join(", ", new TreeSet<>(KNOWN).stream().map(ProbeKind::label).toList()));
    }
    return kind;
  }

  /** Parses a label such as {@code tcp_syn} (also {@code tcp-syn}, any case). */
  public static ProbeKind of(String label) {
    if (label == null) {
      throw new IllegalArgumentException("a probe's name is missing");
    }
    return new ProbeKind(label.strip().replace('-', '_').toLowerCase(Locale.ROOT));
  }

  @Override
  @JsonValue
  public String label() {
    return label;
  }

  @Override
  public int compareTo(ProbeKind other) {
    return label.compareTo(other.label);
  }

  @Override
  public String toString() {
    return label;
  }
}
