package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import dev.detour.cluster.ClusterLock;
import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.system.Periodic;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Turns incidents into messages. Every second it takes the incidents older than {@code group-wait}
 * that it has not looked at, makes at most one message of each ({@link IncidentAlerts}) and stores
 * it for every channel that takes it ({@link Outbox}); every so often it tells again what still
 * holds ({@link Resends}); then {@link AlertDispatcher} sends, on its own threads. Nothing here
 * waits on a receiver, and the monitor only writes incidents, as it always does.
 */
@ApplicationScoped
public class Alerts {

  private static final Logger LOG = Logger.getLogger(Alerts.class);
  private static final int BATCH = 5000;

  /** Incidents older than this when first looked at are history (alerting was off), not news. */
  private static final Duration STALE = Duration.ofHours(1);

  /** How often resends are looked for: at most this, or the shortest channel interval. */
  private static final Duration RESEND_CHECK = Duration.ofSeconds(15);

  private final AlertConfig config;
  private final AlertChannels channels;
  private final Incidents incidents;
  private final IncidentAlerts messages;
  private final Outbox outbox;
  private final Resends resends;
  private final AlertDispatcher dispatcher;
  private final ClusterLock lock;
  private final Duration resendCheck;
  private volatile Instant resendCheckedAt = Instant.EPOCH;
  private volatile Instant resentAt = Instant.EPOCH;

  Alerts(
      AlertConfig config,
      AlertChannels channels,
      Incidents incidents,
      IncidentAlerts messages,
      Outbox outbox,
      Resends resends,
      AlertDispatcher dispatcher,
      ClusterLock lock) {
    this.config = config;
    this.channels = channels;
    this.incidents = incidents;
    this.messages = messages;
    this.outbox = outbox;
    this.resends = resends;
    this.dispatcher = dispatcher;
    this.lock = lock;
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
              resends.resend(now);
              resentAt = now;
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
    List<Incident> due = incidents.takeUnalerted(now.minus(config.groupWait()), BATCH, now);
    Map<Long, List<Incident>> massClears = new LinkedHashMap<>();
    for (Incident i : due) {
      if (i.at.isBefore(now.minus(STALE))) {
        continue;
      }
      Alert alert = messages.of(i, massClears);
      if (alert != null) {
        outbox.route(alert, now);
      }
    }
    massClears.forEach(
        (mass, cleared) -> {
          // A member told on its own before the mass block formed ends with the mass block's
          // message.
          cleared.forEach(c -> outbox.forget("watch:" + c.watchId));
          outbox.route(messages.massCleared(mass, cleared), now);
        });
    return due.size();
  }

  /** When the latest look for resends that went through began: a test waits for one. */
  Instant resentAt() {
    return resentAt;
  }
}
