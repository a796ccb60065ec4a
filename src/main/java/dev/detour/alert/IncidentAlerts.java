package dev.detour.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.AlertKind;
import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What an incident tells, once it is {@code group-wait} old: at most one message, or none — none
 * for a block inside a mass block (the mass block's message counts it), none for a problem that
 * ended within the wait (a flap), none for a change nobody is waiting to hear of (up and down, one
 * block method for another). The clears of a mass block's watches are gathered and told as one
 * message per look.
 */
@ApplicationScoped
class IncidentAlerts {

  private static final int MASS_MEMBERS_SHOWN = 10;

  private final AlertConfig config;
  private final Incidents incidents;
  private final Problems problems;
  private final ObjectMapper json;

  IncidentAlerts(AlertConfig config, Incidents incidents, Problems problems, ObjectMapper json) {
    this.config = config;
    this.incidents = incidents;
    this.problems = problems;
    this.json = json;
  }

  /**
   * The message an incident makes, or null; a clear of a mass block's watch is added to {@code
   * massClears} (by mass block) instead, to be told by {@link #massCleared}.
   */
  Alert of(Incident i, Map<Long, List<Incident>> massClears) {
    Incident.Kind kind = Incident.Kind.valueOf(i.kind);
    return switch (kind) {
      case STATE_CHANGE -> stateChange(i, massClears);
      case MASS_BLOCK -> i.parentId != null ? null : massBlock(i);
      case ALLOWLIST_MODE -> allowlist(i);
      case ALLOWLIST_LIFTED -> allowlistLifted(i);
      case VANTAGE_OFFLINE -> overUnlessEnded(i, AlertKind.VANTAGE_OFFLINE, "vantage", kind);
      case VANTAGE_ONLINE -> event(i, AlertKind.VANTAGE_ONLINE, "vantage");
      case CONTROL_OFFLINE -> overUnlessEnded(i, AlertKind.CONTROL_OFFLINE, "control", kind);
      case CONTROL_ONLINE -> event(i, AlertKind.CONTROL_ONLINE, "control");
      case ROUTER_SYNC_FAILED ->
          overUnlessEnded(i, AlertKind.ROUTER_SYNC_FAILED, "router:" + i.target + ":sync", kind);
      case ROUTER_SYNC_OK -> event(i, AlertKind.ROUTER_SYNC_OK, "router:" + i.target + ":sync");
      case TUNNEL_DOWN ->
          overUnlessEnded(i, AlertKind.TUNNEL_DOWN, "router:" + i.target + ":tunnel", kind);
      case TUNNEL_UP -> event(i, AlertKind.TUNNEL_UP, "router:" + i.target + ":tunnel");
    };
  }

  private Alert stateChange(Incident i, Map<Long, List<Incident>> massClears) {
    String blocked = WatchState.BLOCKED.name();
    boolean toBlocked = blocked.equals(i.toState);
    boolean fromBlocked = blocked.equals(i.fromState);
    if (toBlocked && !fromBlocked) {
      if (i.parentId != null || clearedWithin(i)) {
        return null;
      }
      return watch(i, AlertKind.BLOCKED);
    }
    if (fromBlocked && !toBlocked) {
      Incident block = incidents.lastChangeTo(i.watchId, blocked, i.id).orElse(null);
      if (block != null && block.parentId != null) {
        if (underAllowlist(block.parentId)) {
          // The allowlist mode's lift tells it, in one message.
          return null;
        }
        massClears.computeIfAbsent(block.parentId, k -> new ArrayList<>()).add(i);
        return null;
      }
      return watch(i, AlertKind.CLEARED);
    }
    // Up and down, or one block method for another: nothing a user is waiting to hear.
    return null;
  }

  private boolean underAllowlist(long parentId) {
    return incidents
        .get(parentId)
        .map(p -> Incident.Kind.ALLOWLIST_MODE.name().equals(p.kind))
        .orElse(false);
  }

  /** The ISP's allowlist mode: one message for every watch it cut. */
  private Alert allowlist(Incident i) {
    List<String> targets = incidents.memberTargets(i.id, MASS_MEMBERS_SHOWN);
    int members = i.members == null ? targets.size() : i.members;
    return new Alert(
        AlertKind.ALLOWLIST_MODE,
        "allowlist",
        true,
        false,
        i.at,
        i.firstBadAt != null ? i.firstBadAt : i.at,
        null,
        null,
        WatchState.BLOCKED.label(),
        BlockMethod.ALLOWLIST.label(),
        BlockMethod.ALLOWLIST.describe(),
        i.summary,
        String.join(", ", targets)
            + (members > targets.size() ? " and " + (members - targets.size()) + " more" : ""),
        members,
        null,
        i.id,
        link(i.id),
        AlertKind.ALLOWLIST_MODE.severity());
  }

  private Alert allowlistLifted(Incident i) {
    Incident mode =
        incidents
            .find(
                new Incidents.Query(
                    null, java.util.Set.of(Incident.Kind.ALLOWLIST_MODE), null, null, false),
                0,
                1)
            .items()
            .stream()
            .findFirst()
            .orElse(null);
    long still = 0;
    if (mode != null) {
      problems.catchUp();
      still = problems.stillBlocked(mode.id);
    }
    return new Alert(
        AlertKind.ALLOWLIST_LIFTED,
        "allowlist",
        false,
        false,
        i.at,
        mode == null ? i.at : mode.at,
        null,
        null,
        null,
        null,
        null,
        i.summary,
        null,
        mode == null || mode.members == null ? null : mode.members,
        (int) still,
        i.id,
        link(i.id),
        AlertKind.ALLOWLIST_LIFTED.severity());
  }

  /** A block cleared again within the wait: neither is told. */
  private boolean clearedWithin(Incident i) {
    return i.watchId != null
        && incidents.leftWithin(
            i.watchId, WatchState.BLOCKED.name(), i.id, i.at.plus(config.groupWait()));
  }

  private Alert watch(Incident i, AlertKind kind) {
    String method = i.method == null ? null : i.method.toLowerCase(Locale.ROOT);
    return new Alert(
        kind,
        "watch:" + i.watchId,
        kind.firing(),
        false,
        i.at,
        i.firstBadAt != null ? i.firstBadAt : i.at,
        i.group,
        i.target,
        i.toState == null ? null : WatchState.valueOf(i.toState).label(),
        kind.firing() ? method : null,
        kind.firing() ? describe(i.method) : null,
        i.summary,
        kind.firing() ? censor(i) : null,
        null,
        null,
        i.id,
        link(i.id),
        kind.severity());
  }

  /** The censor's hop in a line, when it was traced in time. */
  private String censor(Incident i) {
    if (i.censor == null) {
      return null;
    }
    try {
      var c = json.readTree(i.censor);
      int hop = c.path("censorHop").asInt(-1);
      if (hop < 0) {
        return null;
      }
      String router = c.path("censorRouter").asText("");
      return "The censor sits at hop "
          + hop
          + (router.isEmpty() ? "" : " (" + router + ")")
          + (c.path("hostHop").asInt(-1) > 0
              ? "; the host is " + c.path("hostHop").asInt() + " hops away"
              : "")
          + ".";
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private Alert massBlock(Incident i) {
    List<String> targets = incidents.memberTargets(i.id, MASS_MEMBERS_SHOWN);
    List<String> groups = incidents.memberGroups(i.id);
    int members = i.members == null ? targets.size() : i.members;
    String detail =
        String.join(", ", targets)
            + (members > targets.size() ? " and " + (members - targets.size()) + " more" : "");
    return new Alert(
        AlertKind.MASS_BLOCK,
        "mass:" + i.id,
        true,
        false,
        i.at,
        i.firstBadAt != null ? i.firstBadAt : i.at,
        groups.size() == 1 ? groups.get(0) : null,
        null,
        WatchState.BLOCKED.label(),
        i.method == null ? null : i.method.toLowerCase(Locale.ROOT),
        describe(i.method),
        i.summary,
        detail,
        members,
        null,
        i.id,
        link(i.id),
        AlertKind.MASS_BLOCK.severity());
  }

  /** One message for the clears of a mass block's watches seen in one look, oldest first. */
  Alert massCleared(long massId, List<Incident> cleared) {
    Incident mass = incidents.get(massId).orElse(null);
    problems.catchUp();
    long remaining = problems.stillBlocked(massId);
    String method = mass == null ? null : mass.method;
    String summary =
        cleared.size()
            + (cleared.size() == 1 ? " watch" : " watches")
            + " of the mass block"
            + (method == null ? "" : " (" + describe(method) + ")")
            + " cleared"
            + (remaining > 0 ? "; " + remaining + " still blocked" : "; none is blocked any more");
    Instant at = cleared.get(cleared.size() - 1).at;
    return new Alert(
        AlertKind.MASS_CLEARED,
        "mass:" + massId,
        remaining > 0,
        false,
        at,
        mass == null ? at : mass.firstBadAt,
        null,
        null,
        null,
        null,
        null,
        summary,
        String.join(", ", cleared.stream().limit(MASS_MEMBERS_SHOWN).map(c -> c.target).toList())
            + (cleared.size() > MASS_MEMBERS_SHOWN
                ? " and " + (cleared.size() - MASS_MEMBERS_SHOWN) + " more"
                : ""),
        cleared.size(),
        (int) remaining,
        massId,
        link(massId),
        AlertKind.MASS_CLEARED.severity());
  }

  /** A problem of this vantage, the control or a router, unless it ended within the wait. */
  private Alert overUnlessEnded(
      Incident i, AlertKind kind, String key, Incident.Kind incidentKind) {
    Incident.Kind end =
        switch (incidentKind) {
          case VANTAGE_OFFLINE -> Incident.Kind.VANTAGE_ONLINE;
          case CONTROL_OFFLINE -> Incident.Kind.CONTROL_ONLINE;
          case ROUTER_SYNC_FAILED -> Incident.Kind.ROUTER_SYNC_OK;
          default -> Incident.Kind.TUNNEL_UP;
        };
    boolean ended = incidents.recordedWithin(end, i.target, i.id, i.at.plus(config.groupWait()));
    return ended ? null : event(i, kind, key);
  }

  private Alert event(Incident i, AlertKind kind, String key) {
    return new Alert(
        kind,
        key,
        kind.firing(),
        false,
        i.at,
        i.at,
        null,
        i.target,
        null,
        null,
        null,
        i.summary,
        null,
        null,
        null,
        i.id,
        link(i.id),
        kind.severity());
  }

  private String link(Long incident) {
    return config
        .baseUrl()
        .map(base -> base.replaceAll("/+$", "") + "/incidents/" + incident)
        .orElse(null);
  }

  /** A block method as stored (upper case) in words, or null. */
  private static String describe(String method) {
    return method == null ? null : BlockMethod.of(method).describe();
  }
}
