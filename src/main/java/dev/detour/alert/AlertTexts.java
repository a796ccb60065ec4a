package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.AlertKind;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * A message's text from its facts: the built-in template, or the user's for that kind ({@code
 * detour.alerts.templates.<kind>}, Qute, with {@code alert} the {@link Alert}). A user template is
 * tried on a sample at start, so a typo stops Detour with the key instead of blanking messages.
 */
@ApplicationScoped
public class AlertTexts {

  static final String DEFAULT =
      "{alert.summary}{#if alert.detail}\n{alert.detail}{/if}"
          + "{#if alert.repeated}\nStill so since {alert.since}.{/if}"
          + "{#if alert.link}\n{alert.link}{/if}";

  private final Map<AlertKind, Template> templates = new EnumMap<>(AlertKind.class);

  public AlertTexts(Engine engine, AlertConfig config) {
    Template fallback = engine.parse(DEFAULT);
    for (AlertKind k : AlertKind.values()) {
      templates.put(k, fallback);
    }
    for (var e : config.templates().entrySet()) {
      String key = "detour.alerts.templates." + e.getKey();
      AlertKind kind;
      try {
        kind = AlertKind.parse(e.getKey());
      } catch (IllegalArgumentException notAKind) {
        throw new IllegalStateException(
            key + ": no kind " + e.getKey() + "; the kinds are " + AlertKind.listed());
      }
      Template t;
      try {
        t = engine.parse(e.getValue());
        t.data("alert", sample(kind)).render();
      } catch (TemplateException bad) {
        throw new IllegalStateException(key + ": " + bad.getMessage());
      }
      templates.put(kind, t);
    }
  }

  public String render(Alert alert) {
    return templates.get(alert.kind()).data("alert", alert).render().strip();
  }

  private static Alert sample(AlertKind kind) {
    Instant now = Instant.now();
    return new Alert(
        kind,
        "watch:1",
        kind.firing(),
        false,
        now,
        now,
        "example",
        "example.org",
        "blocked",
        "tcp_rst_injected",
        "injected TCP reset",
        "example.org: up → blocked",
        "censor at hop 2",
        1,
        0,
        1L,
        "http://detour.lan/incidents/1",
        kind.severity());
  }
}
