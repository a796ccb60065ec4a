package dev.detour.targets;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What a watch's target is: a name resolved at probe time, one address, or a whole prefix. */
public enum TargetKind {
  HOST,
  ADDRESS,
  PREFIX;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
