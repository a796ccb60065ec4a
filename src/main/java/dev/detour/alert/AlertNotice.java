package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A problem a channel has been told about and not yet told is over: what dedup checks (a problem is
 * told once), what resends repeat, and what lets an end be told only where its start was.
 */
@Entity
@Table(name = "alert_notice")
public class AlertNotice extends PanacheEntityBase {

  /** Channel and alert key. */
  @Embeddable
  public record Key(
      @Column(name = "channel", length = 63) String channel,
      @Column(name = "alert_key", length = 300) String key)
      implements Serializable {}

  @EmbeddedId public Key id;

  @Column(nullable = false, length = 24)
  public String kind;

  /** The {@link Alert} last told, as JSON: what a resend repeats. */
  @Column(nullable = false, columnDefinition = "text")
  public String payload;

  @Column(name = "fired_at", nullable = false)
  public Instant firedAt;

  @Column(name = "last_sent_at", nullable = false)
  public Instant lastSentAt;
}
