package dev.detour.verdict;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What Detour believes about a watch. Labels are the {@code state} label of the metrics. */
public enum WatchState {
  /** It works from here. */
  UP,
  /** It does not work from anywhere Detour can see: a dead site, never routed. */
  DOWN,
  /** It works from the control vantage (or shows a censor's signature) but not from here. */
  BLOCKED,
  /** Not known: not probed yet, or this vantage is offline. */
  UNKNOWN;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
