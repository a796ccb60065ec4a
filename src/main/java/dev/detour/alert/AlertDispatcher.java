package dev.detour.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.DeliveryException;
import dev.detour.alert.channel.Message;
import dev.detour.metrics.Metrics;
import dev.detour.system.Secrets;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Sends what {@link Outbox} stored. Each channel is drained by one task at a time on alerting's own
 * small pool, in the order messages were made; a failure is tried again after a backoff that
 * doubles ({@code retry-base} … {@code retry-max}, or what the receiver asked for), and later
 * messages of that channel wait behind it, so an end never arrives before its start. Out of
 * attempts, or refused for good (a 400, a wrong token), a message is failed: counted, shown in the
 * UI and the API, and retryable by hand.
 */
@ApplicationScoped
public class AlertDispatcher {

  private static final Logger LOG = Logger.getLogger(AlertDispatcher.class);
  private static final int DUE_PER_QUERY = 20;
  private static final int QUERIES_PER_DRAIN = 10;

  /** How a channel's latest delivery went. */
  public record Health(boolean up, Instant lastSentAt, Instant lastErrorAt, String lastError) {}

  private record Due(long id, int attempts, Alert alert, String title, String body) {}

  private final AlertConfig config;
  private final AlertChannels channels;
  private final MeterRegistry registry;
  private final ObjectMapper json;
  private final ExecutorService pool;
  private final Set<String> busy = ConcurrentHashMap.newKeySet();
  private final Map<String, Health> health = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();
  private volatile Instant countedAt = Instant.EPOCH;

  public AlertDispatcher(
      AlertConfig config, AlertChannels channels, MeterRegistry registry, ObjectMapper json) {
    this.config = config;
    this.channels = channels;
    this.registry = registry;
    this.json = json;
    int threads = Math.max(1, Math.min(4, channels.all().size()));
    this.pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "detour-alerts");
              t.setDaemon(true);
              return t;
            });
    for (ChannelRule ch : channels.all()) {
      health.put(ch.name(), new Health(true, null, null, null));
      AtomicLong waiting = new AtomicLong();
      pending.put(ch.name(), waiting);
      Gauge.builder(Metrics.ALERT_PENDING, waiting, AtomicLong::get)
          .description("Alert messages waiting to be sent")
          .tag("channel", ch.name())
          .register(registry);
      Gauge.builder(Metrics.ALERT_CHANNEL_UP, health, h -> h.get(ch.name()).up() ? 1 : 0)
          .description("1 when the channel's latest delivery worked, else 0")
          .tag("channel", ch.name())
          .register(registry);
      for (String outcome : List.of("sent", "retry", "failed", "silenced")) {
        counter(ch.name(), outcome);
      }
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    pool.shutdownNow();
  }

  public Health health(String channel) {
    return health.getOrDefault(channel, new Health(true, null, null, null));
  }

  /** Starts draining every channel that has no drain running. */
  public void dispatch() {
    Instant now = Instant.now();
    if (!now.isBefore(countedAt.plus(Duration.ofSeconds(5)))) {
      countedAt = now;
      countPending();
    }
    for (ChannelRule ch : channels.all()) {
      if (busy.add(ch.name())) {
        try {
          pool.execute(
              () -> {
                try {
                  drain(ch);
                } catch (RuntimeException e) {
                  LOG.errorf(e, "Alert channel %s: cannot send; trying again soon", ch.name());
                } finally {
                  busy.remove(ch.name());
                }
              });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
          busy.remove(ch.name());
        }
      }
    }
  }

  private void countPending() {
    try {
      List<Object[]> rows =
          QuarkusTransaction.requiringNew()
              .call(
                  () ->
                      AlertDelivery.getEntityManager()
                          .createQuery(
                              "select d.channel, count(d) from AlertDelivery d where d.status ="
                                  + " :s group by d.channel",
                              Object[].class)
                          .setParameter("s", AlertDelivery.Status.PENDING.name())
                          .getResultList());
      pending.values().forEach(p -> p.set(0));
      for (Object[] row : rows) {
        AtomicLong p = pending.get((String) row[0]);
        if (p != null) {
          p.set(((Number) row[1]).longValue());
        }
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "Cannot count pending alerts");
    }
  }

  private void drain(ChannelRule ch) {
    for (int q = 0; q < QUERIES_PER_DRAIN; q++) {
      List<Due> due = QuarkusTransaction.requiringNew().call(() -> due(ch.name(), Instant.now()));
      if (due.isEmpty()) {
        return;
      }
      for (Due d : due) {
        if (!attempt(ch, d)) {
          return;
        }
      }
    }
  }

  /** The channel's messages due now, oldest first, stopping at one that is backing off. */
  private List<Due> due(String channel, Instant now) {
    List<Due> due = new ArrayList<>();
    for (AlertDelivery d :
        AlertDelivery.<AlertDelivery>find(
                "channel = ?1 and status = ?2 order by id",
                channel,
                AlertDelivery.Status.PENDING.name())
            .page(0, DUE_PER_QUERY)
            .list()) {
      if (d.nextAt.isAfter(now)) {
        if (d.attempts > 0) {
          break;
        }
        // Held for quiet hours; a test message behind it need not wait.
        continue;
      }
      Alert alert;
      try {
        alert = json.readValue(d.payload, Alert.class);
      } catch (JsonProcessingException e) {
        d.status = AlertDelivery.Status.FAILED.name();
        d.lastError = "unreadable message: " + e.getOriginalMessage();
        continue;
      }
      due.add(new Due(d.id, d.attempts, alert, d.title, d.body));
    }
    return due;
  }

  /** Tries one message; false when it failed (the channel's later messages wait). */
  private boolean attempt(ChannelRule ch, Due d) {
    int attempts = d.attempts() + 1;
    Instant now;
    try {
      ch.channel().send(new Message(d.id(), d.alert(), d.title(), d.body()));
      now = Instant.now();
      Instant at = now;
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                AlertDelivery x = AlertDelivery.findById(d.id());
                x.status = AlertDelivery.Status.SENT.name();
                x.attempts = attempts;
                x.sentAt = at;
                x.lastError = null;
              });
      Health before = health(ch.name());
      health.put(ch.name(), new Health(true, now, before.lastErrorAt(), before.lastError()));
      counter(ch.name(), "sent").increment();
      if (!before.up()) {
        LOG.infof("Alert channel %s works again", ch.name());
      }
      return true;
    } catch (DeliveryException e) {
      now = Instant.now();
      boolean giveUp = !e.retryable() || attempts >= config.maxAttempts();
      Instant next = now.plus(backoff(attempts, e.retryAfter()));
      // A receiver's error answer may echo the request, token and all.
      String message = Secrets.mask(e.getMessage(), ch.channel().secrets());
      String error = message.length() > 2000 ? message.substring(0, 2000) : message;
      QuarkusTransaction.requiringNew()
          .run(
              () -> {
                AlertDelivery x = AlertDelivery.findById(d.id());
                x.attempts = attempts;
                x.lastError = error;
                if (giveUp) {
                  x.status = AlertDelivery.Status.FAILED.name();
                } else {
                  x.nextAt = next;
                }
              });
      Health before = health(ch.name());
      health.put(ch.name(), new Health(false, before.lastSentAt(), now, error));
      counter(ch.name(), giveUp ? "failed" : "retry").increment();
      if (giveUp) {
        LOG.warnf(
            "Alert channel %s: message %d given up after %d attempt%s: %s",
            ch.name(), d.id(), attempts, attempts == 1 ? "" : "s", error);
      } else {
        LOG.warnf(
            "Alert channel %s: message %d failed (attempt %d), trying again at %s: %s",
            ch.name(), d.id(), attempts, next, error);
      }
      return giveUp;
    }
  }

  /** retry-base × 2^(attempts−1), at most retry-max, ±10 %; or what the receiver asked for. */
  Duration backoff(int attempts, Duration asked) {
    Duration max = config.retryMax();
    if (asked != null) {
      return asked.compareTo(max) > 0 ? max : asked;
    }
    long base = config.retryBase().toMillis();
    long ms = base << Math.min(attempts - 1, 30);
    if (ms <= 0 || ms > max.toMillis()) {
      ms = max.toMillis();
    }
    long jitter = ms / 10;
    return Duration.ofMillis(
        ms + (jitter > 0 ? ThreadLocalRandom.current().nextLong(-jitter, jitter) : 0));
  }

  void count(String channel, String outcome) {
    counter(channel, outcome).increment();
  }

  private Counter counter(String channel, String outcome) {
    return Counter.builder(Metrics.ALERT_DELIVERIES)
        .description("Alert messages by channel and outcome")
        .tags("channel", channel, "outcome", outcome)
        .register(registry);
  }
}
