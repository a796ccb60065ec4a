package dev.detour.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.AlertKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * Stores messages as deliveries, one per channel, for {@link AlertDispatcher} to send: held through
 * a channel's quiet hours, silenced in a maintenance window, never twice for a problem a channel
 * was already told of (dedup), an end only where its start was told. The notices it keeps of what
 * each channel was told are what dedup checks and what {@link Resends} repeats.
 */
@ApplicationScoped
class Outbox {

  private final AlertConfig config;
  private final AlertChannels channels;
  private final AlertTexts texts;
  private final AlertDispatcher dispatcher;
  private final ObjectMapper json;

  Outbox(
      AlertConfig config,
      AlertChannels channels,
      AlertTexts texts,
      AlertDispatcher dispatcher,
      ObjectMapper json) {
    this.config = config;
    this.channels = channels;
    this.texts = texts;
    this.dispatcher = dispatcher;
    this.json = json;
  }

  /** Stores the deliveries of one message: one per channel that takes it. */
  @Transactional
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

  /** A problem that still holds, told again on one channel (a resend). */
  @Transactional
  void again(ChannelRule ch, Alert again, Instant now) {
    AlertDelivery d = delivery(ch, again, again.title(), texts.render(again), toJson(again), now);
    if (silenced(again, now)) {
      d.status = AlertDelivery.Status.SILENCED.name();
      dispatcher.count(ch.name(), "silenced");
    }
    d.persist();
  }

  /** A problem over without a message of its own: no channel waits for its end any more. */
  @Transactional
  void forget(String key) {
    AlertNotice.delete("id.key = ?1", key);
  }

  /** A test message to one channel, past its filters, quiet hours and silences. */
  @Transactional
  long test(ChannelRule ch, String actor) {
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

  private static AlertDelivery delivery(
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

  private String toJson(Alert a) {
    try {
      return json.writeValueAsString(a);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
