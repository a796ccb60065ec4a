package dev.detour.alert;

import dev.detour.alert.channel.AlertKind;
import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What the API and the Settings page show of alerting, and what they change. */
@ApplicationScoped
public class AlertService {

  static final Duration LONGEST_SILENCE = Duration.ofDays(90);

  /** A channel as shown: its rules, where it sends, how its deliveries fare. */
  public record ChannelView(
      String name,
      String type,
      String destination,
      List<String> events,
      List<String> groups,
      String quietHours,
      Duration resendEvery,
      boolean up,
      Instant lastSentAt,
      Instant lastErrorAt,
      String lastError,
      long pending,
      long failed) {}

  /** A message as shown. */
  public record DeliveryView(
      long id,
      String channel,
      String kind,
      String key,
      String status,
      boolean repeated,
      String title,
      String text,
      int attempts,
      Instant createdAt,
      Instant nextAt,
      Instant sentAt,
      String lastError,
      Long incident) {}

  /** A maintenance window as shown. */
  public record SilenceView(
      long id,
      Instant startsAt,
      Instant endsAt,
      String group,
      String target,
      String comment,
      String createdBy,
      boolean active) {}

  private final AlertChannels channels;
  private final AlertDispatcher dispatcher;
  private final Outbox outbox;

  public AlertService(AlertChannels channels, AlertDispatcher dispatcher, Outbox outbox) {
    this.channels = channels;
    this.dispatcher = dispatcher;
    this.outbox = outbox;
  }

  @Transactional
  public List<ChannelView> channels() {
    List<ChannelView> all = new ArrayList<>();
    for (ChannelRule ch : channels.all()) {
      AlertDispatcher.Health h = dispatcher.health(ch.name());
      List<String> events =
          ch.events().size() == AlertKind.values().length
              ? List.of()
              : ch.events().stream().map(AlertKind::id).toList();
      all.add(
          new ChannelView(
              ch.name(),
              ch.type(),
              ch.channel().destination(),
              events,
              ch.groups() == null ? List.of() : List.copyOf(ch.groups()),
              ch.quiet() == null ? null : ch.quiet().toString(),
              ch.resendEvery(),
              h.up(),
              h.lastSentAt(),
              h.lastErrorAt(),
              h.lastError(),
              AlertDelivery.count(
                  "channel = ?1 and status = ?2", ch.name(), AlertDelivery.Status.PENDING.name()),
              AlertDelivery.count(
                  "channel = ?1 and status = ?2", ch.name(), AlertDelivery.Status.FAILED.name())));
    }
    return all;
  }

  public long test(String name, String actor) {
    ChannelRule ch =
        channels.get(name).orElseThrow(() -> ProblemException.notFound("no alert channel " + name));
    long id = outbox.test(ch, actor);
    dispatcher.dispatch();
    return id;
  }

  @Transactional
  public List<DeliveryView> deliveries(String channel, String status, int size) {
    List<FieldError> errors = new ArrayList<>();
    if (size < 1 || size > 1000) {
      errors.add(FieldError.field("size", "1 to 1000"));
    }
    String wanted = null;
    if (status != null && !status.isBlank()) {
      try {
        wanted = AlertDelivery.Status.valueOf(status.strip().toUpperCase(Locale.ROOT)).name();
      } catch (IllegalArgumentException e) {
        errors.add(FieldError.field("status", "pending, sent, failed or silenced, not " + status));
      }
    }
    if (channel != null && !channel.isBlank() && channels.get(channel.strip()).isEmpty()) {
      errors.add(FieldError.field("channel", "no alert channel " + channel));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid query", errors);
    }
    StringBuilder q = new StringBuilder("1 = 1");
    List<Object> params = new ArrayList<>();
    if (wanted != null) {
      params.add(wanted);
      q.append(" and status = ?").append(params.size());
    }
    if (channel != null && !channel.isBlank()) {
      params.add(channel.strip());
      q.append(" and channel = ?").append(params.size());
    }
    return AlertDelivery.<AlertDelivery>find(q + " order by id desc", params.toArray())
        .page(0, size)
        .stream()
        .map(AlertService::view)
        .toList();
  }

  @Transactional
  public DeliveryView retry(long id) {
    AlertDelivery d = AlertDelivery.findById(id);
    if (d == null) {
      throw ProblemException.notFound("no alert message " + id);
    }
    if (d.status() != AlertDelivery.Status.FAILED) {
      throw ProblemException.conflict(
          "status", "message " + id + " is " + d.status.toLowerCase(Locale.ROOT) + ", not failed");
    }
    d.status = AlertDelivery.Status.PENDING.name();
    d.attempts = 0;
    d.nextAt = Instant.now();
    return view(d);
  }

  static DeliveryView view(AlertDelivery d) {
    return new DeliveryView(
        d.id,
        d.channel,
        d.kind,
        d.key,
        d.status.toLowerCase(Locale.ROOT),
        d.repeated,
        d.title,
        d.body,
        d.attempts,
        d.createdAt,
        d.status() == AlertDelivery.Status.PENDING ? d.nextAt : null,
        d.sentAt,
        d.lastError,
        d.incidentId);
  }

  public List<SilenceView> silences() {
    Instant now = Instant.now();
    return AlertSilence.<AlertSilence>list("endsAt > ?1 order by startsAt", now).stream()
        .map(s -> view(s, now))
        .toList();
  }

  @Transactional
  public SilenceView silence(AlertResource.SilenceInput in, String actor) {
    Instant now = Instant.now();
    List<FieldError> errors = new ArrayList<>();
    Instant starts = in.startsAt() != null ? in.startsAt() : now;
    Instant ends = in.endsAt();
    if (ends == null && in.duration() != null) {
      ends = starts.plus(in.duration());
    }
    if (ends == null) {
      errors.add(FieldError.field("endsAt", "give endsAt or a duration such as PT2H"));
    } else if (in.endsAt() != null && in.duration() != null) {
      errors.add(FieldError.field("duration", "give endsAt or duration, not both"));
    } else if (!ends.isAfter(starts) || !ends.isAfter(now)) {
      errors.add(FieldError.field("endsAt", "must be after startsAt and in the future"));
    } else if (Duration.between(starts, ends).compareTo(LONGEST_SILENCE) > 0) {
      errors.add(FieldError.field("endsAt", "a maintenance window lasts 90 days at most"));
    }
    String group = blankToNull(in.group());
    String target = blankToNull(in.target());
    if (group != null && group.length() > 63) {
      errors.add(FieldError.field("group", "a group's name is 63 characters at most"));
    }
    if (target != null && target.length() > 253) {
      errors.add(FieldError.field("target", "a target is 253 characters at most"));
    }
    String comment = in.comment() == null ? "" : in.comment().strip();
    if (comment.length() > 500) {
      errors.add(FieldError.field("comment", "500 characters at most"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid maintenance window", errors);
    }
    AlertSilence s = new AlertSilence();
    s.startsAt = starts;
    s.endsAt = ends;
    s.group = group;
    s.target = target;
    s.comment = comment;
    s.createdBy = actor.length() > 63 ? actor.substring(0, 63) : actor;
    s.createdAt = now;
    s.persist();
    return view(s, now);
  }

  @Transactional
  public void endSilence(long id) {
    AlertSilence s = AlertSilence.findById(id);
    Instant now = Instant.now();
    if (s == null || !s.endsAt.isAfter(now)) {
      throw ProblemException.notFound("no maintenance window " + id + " that has not ended");
    }
    s.endsAt = now.isAfter(s.startsAt) ? now : s.startsAt.plusMillis(1);
    if (!s.startsAt.isBefore(now)) {
      s.delete();
    }
  }

  private static SilenceView view(AlertSilence s, Instant now) {
    return new SilenceView(
        s.id,
        s.startsAt,
        s.endsAt,
        s.group,
        s.target,
        s.comment,
        s.createdBy,
        !now.isBefore(s.startsAt) && now.isBefore(s.endsAt));
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
