package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * One message to one channel: stored before it is sent (an outbox), so a restart, a dead receiver
 * or a slow one loses nothing and holds up no probe. Pending until delivered, tried again with
 * backoff, failed when out of attempts or refused for good, silenced by a maintenance window.
 */
@Entity
@Table(name = "alert_delivery")
public class AlertDelivery extends PanacheEntityBase {

  /** Where a message stands. */
  public enum Status {
    PENDING,
    SENT,
    FAILED,
    SILENCED
  }

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "alert_delivery_seq")
  @SequenceGenerator(
      name = "alert_delivery_seq",
      sequenceName = "alert_delivery_seq",
      allocationSize = 50)
  public Long id;

  @Column(nullable = false, length = 63)
  public String channel;

  @Column(name = "alert_key", nullable = false, length = 300)
  public String key;

  @Column(nullable = false, length = 24)
  public String kind;

  @Column(nullable = false, length = 10)
  public String status = Status.PENDING.name();

  @Column(nullable = false)
  public boolean repeated;

  @Column(nullable = false, length = 500)
  public String title;

  @Column(nullable = false, length = 8000)
  public String body;

  /** The {@link Alert} as JSON. */
  @Column(nullable = false, columnDefinition = "text")
  public String payload;

  @Column(nullable = false)
  public int attempts;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** When it is due: now, after a backoff, or when quiet hours end. */
  @Column(name = "next_at", nullable = false)
  public Instant nextAt;

  @Column(name = "sent_at")
  public Instant sentAt;

  @Column(name = "last_error", length = 2000)
  public String lastError;

  @Column(name = "incident_id")
  public Long incidentId;

  public Status status() {
    return Status.valueOf(status);
  }
}
