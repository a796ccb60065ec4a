package dev.detour.monitor;

import dev.detour.verdict.Part;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** The stored state of a watch: what it is, since when, and the evidence's summary. */
@Entity
@Table(name = "watch_status")
public class WatchStatus extends PanacheEntityBase {

  @Id
  @Column(name = "watch_id")
  public Long watchId;

  @Column(nullable = false, length = 10)
  public String state;

  @Column(length = 24)
  public String method;

  /** Every method seen in the round that decided the state, comma-separated. */
  @Column(nullable = false, length = 300)
  public String methods = "";

  @Column(nullable = false)
  public Instant since;

  @Column(nullable = false)
  public double confidence;

  @Column(name = "checked_at")
  public Instant checkedAt;

  /** The verdict's reasons, one per line. */
  @Column(nullable = false, length = 8000)
  public String reasons = "";

  /** The censor's location (JSON), from the trace run when the block began. */
  @Column(columnDefinition = "text")
  public String censor;

  /** The sub-verdicts (JSON list of {@link Part}). */
  @Column(columnDefinition = "text")
  public String parts;

  /** The verdict the latest rounds agree on that differs from the state (hysteresis), or null. */
  @Column(name = "pending_state", length = 10)
  public String pendingState;

  @Column(name = "pending_method", length = 24)
  public String pendingMethod;

  @Column(name = "pending_rounds", nullable = false)
  public int pendingRounds;

  @Column(name = "pending_since")
  public Instant pendingSince;
}
