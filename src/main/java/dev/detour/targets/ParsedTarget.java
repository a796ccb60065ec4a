package dev.detour.targets;

import java.util.List;

/**
 * A target as parsed, with what normalisation changed that the user should be told about, and the
 * port a URL named explicitly ({@code https://203.0.113.10:8443/x}: 8443), else null.
 */
public record ParsedTarget(Target target, List<String> warnings, Integer urlPort) {

  public ParsedTarget(Target target, List<String> warnings) {
    this(target, warnings, null);
  }
}
