package dev.detour.ui;

import io.quarkus.qute.RawString;
import io.quarkus.qute.TemplateExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * How the pages write times: {@code {at.ago}} ("5 min ago"), {@code {at.when}} (in the browser's
 * zone, UTC on hover) and {@code {at.stamp}} (UTC, for attributes and titles).
 */
@TemplateExtension
public final class UiExtensions {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  private UiExtensions() {}

  static String stamp(Instant at) {
    return at == null ? "—" : STAMP.format(at);
  }

  /**
   * A moment for the page's text: UTC as written, in a {@code <time>} the browser rewrites in its
   * own zone (static/detour.js), the UTC time kept on hover.
   */
  static RawString when(Instant at) {
    if (at == null) {
      return new RawString("—");
    }
    String utc = STAMP.format(at);
    return new RawString("<time datetime=\"" + at + "\" title=\"" + utc + "\">" + utc + "</time>");
  }

  static String ago(Instant at) {
    if (at == null) {
      return "never";
    }
    Duration d = Duration.between(at, Instant.now());
    return d.isNegative() ? "just now" : span(d) + " ago";
  }

  /** A duration the way people say it: 45 s, 12 min, 3 h 5 min, 2 d 4 h. */
  static String span(Duration d) {
    long s = Math.max(0, d.getSeconds());
    if (s < 60) {
      return s + " s";
    }
    if (s < 3600) {
      return s / 60 + " min";
    }
    if (s < 86400) {
      return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }
    return s / 86400 + " d" + (s % 86400 / 3600 == 0 ? "" : " " + s % 86400 / 3600 + " h");
  }

  /**
   * {@code {r.planMillis.planTime}}: a measured time in milliseconds as people read it — "0.34 ms",
   * "12 ms", "1.4 s" — not "0.336166 ms".
   */
  static String planTime(double millis) {
    if (millis < 10) {
      return String.format(java.util.Locale.ROOT, "%.2f ms", millis);
    }
    if (millis < 1000) {
      return Math.round(millis) + " ms";
    }
    return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000);
  }

  /** {@code {watch.ports.joined}}: "80, 443". */
  static String joined(java.util.Collection<?> items) {
    return items == null
        ? ""
        : items.stream().map(String::valueOf).collect(java.util.stream.Collectors.joining(", "));
  }

  /** {@code {group.probes.probeLabels}}: the probes as users write them. */
  static java.util.Set<String> probeLabels(java.util.Set<dev.detour.probe.ProbeKind> probes) {
    return probes == null
        ? java.util.Set.of()
        : probes.stream()
            .map(dev.detour.probe.ProbeKind::label)
            .collect(java.util.stream.Collectors.toSet());
  }

  /** {@code {watch.since.lasting}}: how long since then, without "ago". */
  static String lasting(Instant since) {
    return since == null ? "—" : span(Duration.between(since, Instant.now()));
  }
}
