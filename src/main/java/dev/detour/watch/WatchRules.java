package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.Probes;
import dev.detour.targets.Ports;
import dev.detour.targets.TargetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The field rules of watches and groups, shared by the API and every importer so that both accept
 * and refuse the same things with the same words. Each method adds what is wrong to {@code errors}
 * and returns the normalised value.
 */
@ApplicationScoped
public class WatchRules {

  static final Pattern GROUP_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
  static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,39}");
  static final int MAX_TAGS = 20;
  static final int MAX_NOTE = 2000;
  static final int MIN_INTERVAL = 10;
  static final int MAX_INTERVAL = 86_400;

  private final List<Integer> defaultPorts;
  private final Probes probes;

  public WatchRules(TargetConfig config, Probes probes) {
    this.defaultPorts = List.copyOf(config.ports());
    this.probes = probes;
  }

  public String groupName(String raw, String field, List<FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      errors.add(FieldError.field(field, "a group is required, e.g. \"telegram\""));
      return null;
    }
    String name = raw.strip().toLowerCase(Locale.ROOT);
    if (!GROUP_NAME.matcher(name).matches()) {
      errors.add(
          FieldError.field(
              field,
              "group name '"
                  + raw
                  + "' must be 1-63 characters of a-z, 0-9, '.', '_' and '-', starting with a"
                  + " letter or digit"));
      return null;
    }
    return name;
  }

  /**
   * A group name made from a label in an imported file (a RouterOS comment such as {@code "Telegram
   * DC"}); null when nothing usable is left.
   */
  public static String slug(String label) {
    if (label == null) {
      return null;
    }
    String ascii =
        Normalizer.normalize(label, Normalizer.Form.NFKD)
            .replaceAll("\\p{M}", "")
            .toLowerCase(Locale.ROOT)
            .replaceAll("[^a-z0-9._-]+", "-")
            .replaceAll("^[-._]+|-+$", "");
    if (ascii.length() > 63) {
      ascii = ascii.substring(0, 63).replaceAll("-+$", "");
    }
    return ascii.isEmpty() ? null : ascii;
  }

  public List<Integer> ports(List<Integer> raw, String field, List<FieldError> errors) {
    return Ports.check(raw, defaultPorts, field, errors);
  }

  public Set<ProbeKind> probes(Set<ProbeKind> raw, String field, List<FieldError> errors) {
    return probes.check(raw, field, errors);
  }

  public SortedSet<String> tags(Set<String> raw, String field, List<FieldError> errors) {
    SortedSet<String> tags = new TreeSet<>();
    if (raw == null) {
      return tags;
    }
    if (raw.size() > MAX_TAGS) {
      errors.add(FieldError.field(field, "at most " + MAX_TAGS + " tags"));
      return tags;
    }
    for (String tag : raw) {
      String t = tag == null ? "" : tag.strip().toLowerCase(Locale.ROOT);
      if (!TAG.matcher(t).matches()) {
        errors.add(
            FieldError.field(
                field,
                "tag '"
                    + tag
                    + "' must be 1-40 characters of a-z, 0-9, '.', '_', ':' and '-', starting with"
                    + " a letter or digit"));
      } else {
        tags.add(t);
      }
    }
    return tags;
  }

  public String note(String raw, String field, List<FieldError> errors) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    if (raw.length() > MAX_NOTE) {
      errors.add(FieldError.field(field, "a note has at most " + MAX_NOTE + " characters"));
      return null;
    }
    return raw.strip();
  }

  public Integer interval(Integer raw, String field, List<FieldError> errors) {
    if (raw != null && (raw < MIN_INTERVAL || raw > MAX_INTERVAL)) {
      errors.add(
          FieldError.field(
              field,
              "interval is "
                  + MIN_INTERVAL
                  + " to "
                  + MAX_INTERVAL
                  + " seconds, or leave it out for the default"));
      return null;
    }
    return raw;
  }
}
