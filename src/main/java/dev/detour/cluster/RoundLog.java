package dev.detour.cluster;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** One round of one group: the node that ran it, for which scheduled time, and when it ended. */
@Entity
@Table(name = "round_log")
public class RoundLog extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "round_log_seq")
  @SequenceGenerator(name = "round_log_seq", sequenceName = "round_log_seq", allocationSize = 50)
  public Long id;

  @Column(name = "group_id", nullable = false)
  public long groupId;

  @Column(nullable = false, length = 200)
  public String node;

  @Column(name = "scheduled_at", nullable = false)
  public Instant scheduledAt;

  @Column(name = "started_at", nullable = false)
  public Instant startedAt;

  @Column(name = "finished_at")
  public Instant finishedAt;

  @Column(nullable = false)
  public int watches;

  /** Run again by another node because the node that began it died. */
  @Column(nullable = false)
  public boolean recovered;

  Rounds.Summary summary() {
    return new Rounds.Summary(id, node, startedAt, finishedAt);
  }
}
