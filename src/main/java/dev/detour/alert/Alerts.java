package dev.detour.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.AlertKind;
import dev.detour.cluster.ClusterLock;
import dev.detour.incident.Incident;
import dev.detour.monitor.WatchStatus;
import dev.detour.system.Periodic;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns incidents into messages. Every second it takes the incidents older than {@code group-wait}
 * that it has not looked at, makes at most one message of each — none for a block inside a mass
 * block (the mass block's message counts it), none for a problem over again within the wait — and
 * stores one delivery per channel that takes it, held through quiet hours, silenced in a
 * maintenance window, never twice for a problem already told (dedup), an end only where its start
 * was told. Problems that hold are told again every {@code resend-every}. Sending is {@link
 * AlertDispatcher}'s business: nothing here waits on a receiver, and the monitor only writes
 * incidents, as it always does.
 */
@ApplicationScoped
public class Alerts {

  private static final Logger LOG = Logger.getLogger(Alerts.class);
  private static final int BATCH = 5000;

  /** Incidents older than this when first looked at are history (alerting was off), not news. */
  private static final Duration STALE = Duration.ofHours(1);

  /** How often resends are looked for: at most this, or the shortest channel interval. */
  private static final Duration RESEND_CHECK = Duration.ofSeconds(15);

  private static final int MASS_MEMBERS_SHOWN = 10;

  private final AlertConfig config;
  private final AlertChannels channels;
  private final AlertTexts texts;
  private final AlertDispatcher dispatcher;
  private final ObjectMapper json;
  private final ClusterLock lock;
  private final Duration resendCheck;
  private volatile Instant resendCheckedAt = Instant.EPOCH;

  public Alerts(
      AlertConfig config,
      AlertChannels channels,
      AlertTexts texts,
      AlertDispatcher dispatcher,
      ObjectMapper json,
      ClusterLock lock) {
    this.lock = lock;
    this.config = config;
    this.channels = channels;
    this.texts = texts;
    this.dispatcher = dispatcher;
    this.json = json;
    this.resendCheck =
        channels.all().stream()
            .map(ChannelRule::resendEvery)
            .filter(d -> !d.isZero())
            .min(Duration::compareTo)
            .filter(d -> d.compareTo(RESEND_CHECK) < 0)
            .orElse(RESEND_CHECK);
  }

  void onStart(@Observes StartupEvent event) {
    List<ChannelRule> all = channels.all();
    if (!config.enabled()) {
      LOG.info("Alerts are off (detour.alerts.enabled=false)");
    } else if (all.isEmpty()) {
      LOG.info("No alert channels configured (detour.alerts.channels.<name>.type)");
    } else {
      for (ChannelRule r : all) {
        LOG.infof("Alert channel %s: %s to %s", r.name(), r.type(), r.channel().destination());
      }
    }
  }

  /**
   * Every second on every node, and on one node at a time: the node holding the cluster's "alerts"
   * lock reads the new incidents and sends them. (As a clustered Quartz job it was registered by
   * every node at start, and nodes starting together failed on each other's registration.)
   */
  void onStart(@Observes StartupEvent event, Periodic periodic) {
    periodic.every("alerts", Duration.ofSeconds(3), Duration.ofSeconds(1), this::tick);
  }

  void tick() {
    if (!config.enabled()) {
      return;
    }
    lock.ifFree(
        "alerts",
        () -> {
          Instant now = Instant.now();
          try {
            collect(now);
            if (!now.isBefore(resendCheckedAt.plus(resendCheck))) {
              resendCheckedAt = now;
              resend(now);
            }
          } catch (RuntimeException e) {
            LOG.errorf(e, "Alerting could not look at new incidents; trying again in a second");
          }
          dispatcher.dispatch();
          return true;
        });
  }

  /** Looks at the incidents due; returns how many. */
  @Transactional
  public int collect(Instant now) {
    List<Incident> due =
        Incident.<Incident>find(
                "alertedAt is null and at <= ?1 order by id", now.minus(groupWait()))
            .page(0, BATCH)
            .list();
    Map<Long, List<Incident>> massClears = new LinkedHashMap<>();
    for (Incident i : due) {
      i.alertedAt = now;
      if (i.at.isBefore(now.minus(STALE))) {
        continue;
      }
      Alert alert = alert(i, massClears);
      if (alert != null) {
        route(alert, now);
      }
    }
    massClears.forEach((mass, cleared) -> route(massCleared(mass, cleared), now));
    return due.size();
  }

  private Duration groupWait() {
    return config.groupWait();
  }

  private Alert alert(Incident i, Map<Long, List<Incident>> massClears) {
    Incident.Kind kind = Incident.Kind.valueOf(i.kind);
    return switch (kind) {
      case STATE_CHANGE -> stateChange(i, massClears);
      case MASS_BLOCK -> massBlock(i);
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
    boolean toBlocked = WatchState.BLOCKED.name().equals(i.toState);
    boolean fromBlocked = WatchState.BLOCKED.name().equals(i.fromState);
    if (toBlocked && !fromBlocked) {
      if (i.parentId != null || clearedWithin(i)) {
        return null;
      }
      return watch(i, AlertKind.BLOCKED);
    }
    if (fromBlocked && !toBlocked) {
      Incident block =
          Incident.<Incident>find(
                  "watchId = ?1 and kind = ?2 and toState = ?3 and id < ?4 order by id desc",
                  i.watchId,
                  Incident.Kind.STATE_CHANGE.name(),
                  WatchState.BLOCKED.name(),
                  i.id)
              .firstResult();
      if (block != null && block.parentId != null) {
        massClears.computeIfAbsent(block.parentId, k -> new ArrayList<>()).add(i);
        return null;
      }
      return watch(i, AlertKind.CLEARED);
    }
    // Up and down, or one block method for another: nothing a user is waiting to hear.
    return null;
  }

  /** A block cleared again within the wait: neither is told. */
  private boolean clearedWithin(Incident i) {
    return i.watchId != null
        && Incident.count(
                "watchId = ?1 and kind = ?2 and fromState = ?3 and toState <> ?3 and id > ?4"
                    + " and at <= ?5",
                i.watchId,
                Incident.Kind.STATE_CHANGE.name(),
                WatchState.BLOCKED.name(),
                i.id,
                i.at.plus(groupWait()))
            > 0;
  }

  private Alert watch(Incident i, AlertKind kind) {
    String method = i.method == null ? null : i.method.toLowerCase(Locale.ROOT);
    String label = i.method == null ? null : BlockMethod.valueOf(i.method).describe();
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
        kind.firing() ? label : null,
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
    List<String> targets =
        Incident.<Incident>find("parentId = ?1 order by target", i.id)
            .page(0, MASS_MEMBERS_SHOWN)
            .stream()
            .map(m -> m.target)
            .toList();
    List<String> groups =
        Incident.getEntityManager()
            .createQuery(
                "select distinct i.group from Incident i where i.parentId = :p", String.class)
            .setParameter("p", i.id)
            .getResultList();
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
        i.method == null ? null : BlockMethod.valueOf(i.method).describe(),
        i.summary,
        detail,
        members,
        null,
        i.id,
        link(i.id),
        AlertKind.MASS_BLOCK.severity());
  }

  private Alert massCleared(long massId, List<Incident> cleared) {
    Incident mass = Incident.findById(massId);
    long remaining =
        WatchStatus.count(
            "state = ?1 and watchId in (select i.watchId from Incident i where i.parentId = ?2)",
            WatchState.BLOCKED.name(),
            massId);
    for (Incident c : cleared) {
      // A member told on its own before the mass block formed ends with the mass block's message.
      AlertNotice.delete("id.key = ?1", "watch:" + c.watchId);
    }
    String method = mass == null || mass.method == null ? null : mass.method;
    String summary =
        cleared.size()
            + (cleared.size() == 1 ? " watch" : " watches")
            + " of the mass block"
            + (method == null ? "" : " (" + BlockMethod.valueOf(method).describe() + ")")
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
    long ended =
        i.target == null
            ? Incident.count(
                "kind = ?1 and id > ?2 and at <= ?3", end.name(), i.id, i.at.plus(groupWait()))
            : Incident.count(
                "kind = ?1 and target = ?4 and id > ?2 and at <= ?3",
                end.name(),
                i.id,
                i.at.plus(groupWait()),
                i.target);
    return ended > 0 ? null : event(i, kind, key);
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

  /** Stores the deliveries of one message: one per channel that takes it. */
  void route(Alert alert, Instant now) {
    String title = alert.title();
    String text = texts.render(alert);
    String payload = toJson(alert);
    boolean problem = alert.kind().firing();
    for (ChannelRule ch : channels.all()) {
      if (!ch.accepts(alert)) {
        continue;
      }
      AlertNotice.Key k = new AlertNotice.Key(ch.name(), alert.key());
      AlertNotice notice = AlertNotice.findById(k);
      if (problem && notice != null) {
        continue;
      }
      if (!problem && notice == null) {
        continue;
      }
      AlertDelivery d = delivery(ch, alert, title, text, payload, now);
      if (silenced(alert, now)) {
        d.status = AlertDelivery.Status.SILENCED.name();
        d.persist();
        dispatcher.count(ch.name(), "silenced");
        if (!alert.firing()) {
          notice.delete();
        }
        continue;
      }
      d.persist();
      if (problem) {
        AlertNotice n = new AlertNotice();
        n.id = k;
        n.kind = alert.kind().id();
        n.payload = payload;
        n.firedAt = now;
        n.lastSentAt = now;
        n.persist();
      } else if (!alert.firing()) {
        notice.delete();
      }
    }
  }

  /** A test message to one channel, past its filters, quiet hours and silences. */
  @Transactional
  public long test(ChannelRule ch, String actor) {
    Instant now = Instant.now();
    Alert alert =
        new Alert(
            AlertKind.TEST,
            "test",
            true,
            false,
            now,
            now,
            null,
            null,
            null,
            null,
            null,
            "A test message from Detour, sent by " + actor + " to channel " + ch.name() + ".",
            null,
            null,
            null,
            null,
            config.baseUrl().orElse(null),
            AlertKind.TEST.severity());
    AlertDelivery d = delivery(ch, alert, alert.title(), texts.render(alert), toJson(alert), now);
    d.persist();
    return d.id;
  }

  private AlertDelivery delivery(
      ChannelRule ch, Alert alert, String title, String text, String payload, Instant now) {
    AlertDelivery d = new AlertDelivery();
    d.channel = ch.name();
    d.key = alert.key();
    d.kind = alert.kind().id();
    d.repeated = alert.repeated();
    d.title = truncate(title, 500);
    d.body = truncate(text, 8000);
    d.payload = payload;
    d.createdAt = now;
    Instant release =
        ch.quiet() == null || alert.kind() == AlertKind.TEST ? null : ch.quiet().releaseAt(now);
    d.nextAt = release != null ? release : now;
    d.incidentId = alert.incident();
    return d;
  }

  private static boolean silenced(Alert alert, Instant now) {
    for (AlertSilence s : AlertSilence.<AlertSilence>list("startsAt <= ?1 and endsAt > ?1", now)) {
      if (s.covers(alert, now)) {
        return true;
      }
    }
    return false;
  }

  /** Tells again, on each channel at its own interval, what still holds. */
  @Transactional
  public void resend(Instant now) {
    for (ChannelRule ch : channels.all()) {
      if (ch.resendEvery().isZero()) {
        continue;
      }
      List<AlertNotice> due =
          AlertNotice.<AlertNotice>find(
                  "id.channel = ?1 and lastSentAt <= ?2 order by lastSentAt",
                  ch.name(),
                  now.minus(ch.resendEvery()))
              .page(0, 500)
              .list();
      for (AlertNotice n : due) {
        Alert last = fromJson(n.payload);
        if (last == null) {
          n.delete();
          continue;
        }
        Boolean holds = holds(last);
        if (holds == null) {
          // What it was about is gone (a watch deleted): nothing will ever end it.
          n.delete();
          continue;
        }
        if (!holds) {
          // Over, and the end is on its way (within the group wait): no resend meanwhile.
          continue;
        }
        n.lastSentAt = now;
        if (AlertDelivery.count(
                "channel = ?1 and key = ?2 and status = ?3",
                ch.name(),
                n.id.key(),
                AlertDelivery.Status.PENDING.name())
            > 0) {
          // Still waiting to go (quiet hours, a receiver that is down): no pile of repeats.
          continue;
        }
        Alert again = last.repeat(now);
        AlertDelivery d =
            delivery(ch, again, again.title(), texts.render(again), toJson(again), now);
        if (silenced(again, now)) {
          d.status = AlertDelivery.Status.SILENCED.name();
          dispatcher.count(ch.name(), "silenced");
        }
        d.persist();
      }
    }
  }

  /** Whether a told problem still holds: null when what it was about is gone. */
  private static Boolean holds(Alert a) {
    if (a.key().startsWith("watch:")) {
      WatchStatus s = WatchStatus.findById(Long.parseLong(a.key().substring(6)));
      return s == null ? null : WatchState.BLOCKED.name().equals(s.state);
    }
    if (a.key().startsWith("mass:")) {
      long id = Long.parseLong(a.key().substring(5));
      return WatchStatus.count(
              "state = ?1 and watchId in (select i.watchId from Incident i where i.parentId = ?2)",
              WatchState.BLOCKED.name(),
              id)
          > 0;
    }
    return true;
  }

  private String toJson(Alert a) {
    try {
      return json.writeValueAsString(a);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Alert fromJson(String text) {
    try {
      return json.readValue(text, Alert.class);
    } catch (JsonProcessingException e) {
      LOG.warnf("Unreadable alert notice, dropped: %s", e.getMessage());
      return null;
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
