package dev.detour.monitor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.incident.Incidents;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.state.RoundEvidence;
import dev.detour.state.WatchRuntimeView;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes what the monitor decides: a watch's state when it changes (with its incident, in one
 * transaction, so a state is never stored without the incident that explains it), the latest
 * round's summary now and then, and the incidents that concern no single watch.
 */
@ApplicationScoped
public class StatusStore {

  private final ObjectMapper json;
  private final Incidents incidents;

  public StatusStore(ObjectMapper json, Incidents incidents) {
    this.json = json;
    this.incidents = incidents;
  }

  /**
   * Every stored status with its watch's target and group, to pick up where the last run left off.
   * Columns, read-only, in one query: loaded as managed entities (each with Hibernate's copy for
   * dirty checking) and named by a second query, 100,000 statuses held a restarted node's first
   * round back by seconds.
   */
  @Transactional
  public List<Stored> loadAll() {
    return stored(null);
  }

  /** The stored statuses of a group's watches, with each watch's target and group name. */
  @Transactional
  public List<Stored> loadGroup(long groupId) {
    return stored(groupId);
  }

  private static List<Stored> stored(Long groupId) {
    var query =
        WatchStatus.getEntityManager()
            .createQuery(
                "select s.watchId, s.state, s.method, s.methods, s.since, s.checkedAt, s.censor,"
                    + " s.parts, s.pendingState, s.pendingMethod, s.pendingRounds, s.pendingSince,"
                    + " w.target, g.name from WatchStatus s, Watch w join w.group g"
                    + " where w.id = s.watchId"
                    + (groupId == null ? "" : " and g.id = :group"),
                Object[].class)
            .setHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true);
    if (groupId != null) {
      query.setParameter("group", groupId);
    }
    return query.getResultStream().map(StatusStore::row).toList();
  }

  private static Stored row(Object[] row) {
    WatchStatus s = new WatchStatus();
    s.watchId = (Long) row[0];
    s.state = (String) row[1];
    s.method = (String) row[2];
    s.methods = (String) row[3];
    s.since = (Instant) row[4];
    s.checkedAt = (Instant) row[5];
    s.censor = (String) row[6];
    s.parts = (String) row[7];
    s.pendingState = (String) row[8];
    s.pendingMethod = (String) row[9];
    s.pendingRounds = (Integer) row[10];
    s.pendingSince = (Instant) row[11];
    return new Stored(s, (String) row[12], (String) row[13]);
  }

  /** The hysteresis a stored status says: the state, and the run of rounds that may change it. */
  static Tracker tracker(WatchStatus s) {
    Verdict pending =
        s.pendingState == null
            ? null
            : new Verdict(
                WatchState.valueOf(s.pendingState),
                s.pendingMethod == null ? null : BlockMethod.of(s.pendingMethod),
                0,
                List.of(),
                false);
    return new Tracker(
        WatchState.valueOf(s.state),
        s.method == null ? null : BlockMethod.of(s.method),
        s.since,
        pending,
        s.pendingRounds,
        s.pendingSince);
  }

  /**
   * A stored status and its watch's target and group; the status is detached and holds what a
   * runtime is restored from (its reasons and confidence are not read).
   */
  public record Stored(WatchStatus status, String target, String group) {}

  /**
   * Stores a state change and its incident; returns the incident's id, or null when the change
   * tells nothing (a watch seen up for the first time).
   */
  @Transactional
  public Long transition(WatchRuntime rt, Tracker.Transition t, Instant at, String capture) {
    write(rt, at);
    if (t.from() == WatchState.UNKNOWN && t.to().state() == WatchState.UP) {
      return null;
    }
    return incidents.stateChange(
        new Incidents.StateChange(
            rt.id,
            rt.group,
            rt.target,
            t.from().name(),
            t.to().state().name(),
            t.to().method() == null ? null : t.to().method().name(),
            t.to().confidence(),
            at,
            t.firstBadAt(),
            summary(rt.target, t),
            rt.evidence == null ? null : rt.evidence.json(),
            capture));
  }

  /** Stores the latest rounds of these watches (state unchanged: checked time, reasons, parts). */
  @Transactional
  public void flush(Collection<WatchRuntime> runtimes) {
    List<WatchRuntime> all = List.copyOf(runtimes);
    for (int from = 0; from < all.size(); from += 1000) {
      List<WatchRuntime> chunk = all.subList(from, Math.min(all.size(), from + 1000));
      // One query per thousand rows, not one per row.
      Map<Long, WatchStatus> found =
          WatchStatus.<WatchStatus>list("watchId in ?1", chunk.stream().map(rt -> rt.id).toList())
              .stream()
              .collect(Collectors.toMap(s -> s.watchId, s -> s));
      for (WatchRuntime rt : chunk) {
        write(rt, rt.checkedAt, found.get(rt.id));
      }
    }
  }

  private void write(WatchRuntime rt, Instant checked) {
    write(rt, checked, WatchStatus.findById(rt.id));
  }

  private void write(WatchRuntime rt, Instant checked, WatchStatus found) {
    WatchStatus s = found != null ? found : new WatchStatus();
    s.watchId = rt.id;
    Tracker t = rt.tracker();
    s.state = t.state().name();
    s.method = t.method() == null ? null : t.method().name();
    // While this vantage is offline the stored state is what it was: a restart meanwhile resumes.
    s.since = t.since();
    // Hysteresis under way: the node that runs the group's next round goes on counting.
    Verdict pending = t.pending();
    s.pendingState = pending == null ? null : pending.state().name();
    s.pendingMethod = pending == null || pending.method() == null ? null : pending.method().name();
    s.pendingRounds = pending == null ? 0 : t.pendingRounds();
    s.pendingSince = pending == null ? null : t.pendingSince();
    s.methods =
        rt.methods.stream().map(BlockMethod::name).sorted().collect(Collectors.joining(","));
    Verdict v = rt.verdict;
    s.confidence = v == null ? 0 : v.confidence();
    s.reasons = v == null ? "" : truncate(String.join("\n", v.reasons()), 8000);
    s.checkedAt = checked;
    s.censor = rt.censor == null ? null : toJson(rt.censor);
    s.parts = rt.parts.isEmpty() ? null : toJson(rt.parts);
    if (found == null) {
      // Persisted once every column is set: the insert takes the entity as it is now.
      s.persist();
    }
  }

  /** Records where the censor sits, on the watch and on the incident of its block. */
  @Transactional
  public void censor(long watchId, Long incidentId, Object location) {
    String text = toJson(location);
    WatchStatus s = WatchStatus.findById(watchId);
    if (s != null) {
      s.censor = text;
    }
    if (incidentId != null) {
      incidents.censor(incidentId, text);
    }
  }

  private static String summary(String target, Tracker.Transition t) {
    String to = t.to().state().label();
    return target
        + ": "
        + t.from().label()
        + " → "
        + to
        + (t.to().method() != null ? " (" + t.to().method().label() + ")" : "")
        + " after "
        + t.rounds()
        + (t.rounds() == 1 ? " round" : " rounds")
        + (t.to().reasons().isEmpty() ? "" : ": " + t.to().reasons().get(0));
  }

  /** A stored status as the API shows it (a watch not probed since this start). */
  WatchRuntimeView view(WatchStatus s) {
    if (s == null) {
      return new WatchRuntimeView(
          WatchState.UNKNOWN,
          null,
          Set.of(),
          null,
          0,
          null,
          null,
          List.of("not probed yet"),
          null,
          null,
          null,
          null,
          null);
    }
    CensorLocation censor = read(s.censor, new TypeReference<CensorLocation>() {});
    List<Part> parts = read(s.parts, new TypeReference<List<Part>>() {});
    Set<BlockMethod> methods =
        s.methods.isEmpty()
            ? Set.of()
            : Arrays.stream(s.methods.split(",")).map(BlockMethod::of).collect(Collectors.toSet());
    return new WatchRuntimeView(
        WatchState.valueOf(s.state),
        s.method == null ? null : BlockMethod.of(s.method),
        methods,
        s.since,
        s.confidence,
        s.checkedAt,
        null,
        s.reasons.isEmpty() ? List.of() : List.of(s.reasons.split("\n")),
        censor == null ? null : censor.censorHop(),
        censor == null ? null : censor.censorRouter(),
        censor,
        parts,
        null);
  }

  private <T> T read(String text, TypeReference<T> type) {
    if (text == null) {
      return null;
    }
    try {
      return json.readValue(text, type);
    } catch (IOException e) {
      return null;
    }
  }

  /** A round's evidence as the watch keeps it until the next. */
  PackedEvidence pack(RoundEvidence round) {
    return PackedEvidence.pack(round, json);
  }

  /** Packed evidence as the API shows it. */
  JsonNode tree(PackedEvidence evidence) {
    return evidence == null ? null : evidence.tree(json);
  }

  String toJson(Object value) {
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      return "{\"error\":\"" + e.getClass().getSimpleName().toLowerCase(Locale.ROOT) + "\"}";
    }
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
