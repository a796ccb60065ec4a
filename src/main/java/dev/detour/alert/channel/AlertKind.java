package dev.detour.alert.channel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a message tells. Each firing kind has a resolving one; a channel's {@code events} setting
 * lists them by their lower-case names.
 */
public enum AlertKind {
  BLOCKED(true, "warning"),
  CLEARED(false, "warning"),
  MASS_BLOCK(true, "critical"),
  MASS_CLEARED(false, "critical"),
  ALLOWLIST_MODE(true, "critical"),
  ALLOWLIST_LIFTED(false, "critical"),
  ROUTER_SYNC_FAILED(true, "warning"),
  ROUTER_SYNC_OK(false, "warning"),
  TUNNEL_DOWN(true, "critical"),
  TUNNEL_UP(false, "critical"),
  VANTAGE_OFFLINE(true, "warning"),
  VANTAGE_ONLINE(false, "warning"),
  CONTROL_OFFLINE(true, "info"),
  CONTROL_ONLINE(false, "info"),
  TEST(true, "info");

  private final boolean firing;
  private final String severity;

  AlertKind(boolean firing, String severity) {
    this.firing = firing;
    this.severity = severity;
  }

  /** True for a problem, false for its end. */
  public boolean firing() {
    return firing;
  }

  /** critical, warning or info, as Alertmanager and ntfy's priorities take them. */
  public String severity() {
    return severity;
  }

  /** The name in settings and payloads: blocked, mass_block, … */
  @JsonValue
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The problem this kind ends (itself for a firing kind). */
  public AlertKind problem() {
    return switch (this) {
      case CLEARED -> BLOCKED;
      case MASS_CLEARED -> MASS_BLOCK;
      case ALLOWLIST_LIFTED -> ALLOWLIST_MODE;
      case ROUTER_SYNC_OK -> ROUTER_SYNC_FAILED;
      case TUNNEL_UP -> TUNNEL_DOWN;
      case VANTAGE_ONLINE -> VANTAGE_OFFLINE;
      case CONTROL_ONLINE -> CONTROL_OFFLINE;
      default -> this;
    };
  }

  /** Alertmanager's alertname of the problem: DetourBlocked, DetourTunnelDown, … */
  public String alertName() {
    StringBuilder s = new StringBuilder("Detour");
    for (String word : problem().id().split("_")) {
      s.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
    }
    return s.toString();
  }

  /** The kinds a setting may name ({@code events}, {@code templates}), for error messages. */
  public static String listed() {
    List<String> ids = new ArrayList<>();
    for (AlertKind k : values()) {
      if (k != TEST) {
        ids.add(k.id());
      }
    }
    return String.join(", ", ids);
  }

  @JsonCreator
  public static AlertKind parse(String id) {
    return valueOf(id.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}
