package dev.detour.incident;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * An incident as the API and the pages show it: kinds, states and methods in lower case; the detail
 * adds its evidence, censor trace and members. {@code alertedAt} says when alerting read it (and
 * made its messages), null until then.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record IncidentView(
    long id,
    String kind,
    Long watch,
    String group,
    String target,
    String from,
    String to,
    String method,
    Double confidence,
    Instant at,
    Instant firstBadAt,
    Double detectionSeconds,
    String summary,
    Long parent,
    Integer members,
    String capture,
    Instant alertedAt,
    JsonNode censor,
    JsonNode evidence,
    List<IncidentView> memberIncidents) {

  /** The incident as listed: no evidence, trace or members. */
  public static IncidentView of(Incident i) {
    return of(i, null, null);
  }

  /**
   * The incident in full: its evidence and censor trace read with {@code json} (null: left out),
   * and its members' views (null: left out).
   */
  public static IncidentView of(Incident i, ObjectMapper json, List<IncidentView> members) {
    return new IncidentView(
        i.id,
        lower(i.kind),
        i.watchId,
        i.group,
        i.target,
        lower(i.fromState),
        lower(i.toState),
        lower(i.method),
        i.confidence,
        i.at,
        i.firstBadAt,
        i.firstBadAt == null ? null : (i.at.toEpochMilli() - i.firstBadAt.toEpochMilli()) / 1000.0,
        i.summary,
        i.parentId,
        i.members,
        i.capture,
        i.alertedAt,
        json == null ? null : tree(json, i.censor),
        json == null ? null : tree(json, i.evidence),
        members);
  }

  /** The kind in words, for pages: "mass block". */
  public String kindLabel() {
    return kind.replace('_', ' ');
  }

  /** A JSON column as a tree; null when empty or unreadable. */
  public static JsonNode tree(ObjectMapper json, String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
