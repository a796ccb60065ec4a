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
 * A maintenance window: from {@code startsAt} to {@code endsAt}, messages about a group, a target
 * or (with neither) everything are recorded as silenced and not sent.
 */
@Entity
@Table(name = "alert_silence")
public class AlertSilence extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "alert_silence_seq")
  @SequenceGenerator(
      name = "alert_silence_seq",
      sequenceName = "alert_silence_seq",
      allocationSize = 10)
  public Long id;

  @Column(name = "starts_at", nullable = false)
  public Instant startsAt;

  @Column(name = "ends_at", nullable = false)
  public Instant endsAt;

  @Column(name = "group_name", length = 63)
  public String group;

  @Column(length = 253)
  public String target;

  @Column(nullable = false, length = 500)
  public String comment = "";

  @Column(name = "created_by", nullable = false, length = 63)
  public String createdBy;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  /** Whether this window covers {@code alert} at {@code now}. */
  public boolean covers(Alert alert, Instant now) {
    if (now.isBefore(startsAt) || !now.isBefore(endsAt)) {
      return false;
    }
    if (group != null && !group.equals(alert.group())) {
      return false;
    }
    return target == null || target.equals(alert.target());
  }
}
