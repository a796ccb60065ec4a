package dev.detour.incident;

import dev.detour.state.RoundEvidence;
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
 * A change worth telling: a watch changing state (with the round's evidence and its pcap), many
 * watches blocked together (one mass-block incident, the watches' own changes its members), the
 * ISP's allowlist mode (most of everything cut at once; its watches' changes its members), or this
 * vantage, the control, a router's sync or its tunnel failing and coming back.
 */
@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

  /** The kinds of incident, lower-case in the API. */
  public enum Kind {
    STATE_CHANGE,
    MASS_BLOCK,
    VANTAGE_OFFLINE,
    VANTAGE_ONLINE,
    CONTROL_OFFLINE,
    CONTROL_ONLINE,
    ROUTER_SYNC_FAILED,
    ROUTER_SYNC_OK,
    TUNNEL_DOWN,
    TUNNEL_UP,
    ALLOWLIST_MODE,
    ALLOWLIST_LIFTED
  }

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "incident_seq")
  @SequenceGenerator(name = "incident_seq", sequenceName = "incident_seq", allocationSize = 50)
  public Long id;

  @Column(nullable = false, length = 20)
  public String kind;

  @Column(name = "watch_id")
  public Long watchId;

  @Column(name = "group_name", length = 63)
  public String group;

  @Column(length = 253)
  public String target;

  @Column(name = "from_state", length = 10)
  public String fromState;

  @Column(name = "to_state", length = 10)
  public String toState;

  @Column(length = 24)
  public String method;

  public Double confidence;

  @Column(nullable = false)
  public Instant at;

  @Column(name = "first_bad_at")
  public Instant firstBadAt;

  @Column(nullable = false, length = 8000)
  public String summary = "";

  /** The round's evidence (JSON {@link RoundEvidence}). */
  @Column(columnDefinition = "text")
  public String evidence;

  /** The censor's location (JSON), when one was traced. */
  @Column(columnDefinition = "text")
  public String censor;

  /** The probe run whose pcap files belong to this incident. */
  @Column(length = 40)
  public String capture;

  @Column(name = "parent_id")
  public Long parentId;

  /** For a mass-block incident: how many watches it groups. */
  public Integer members;

  /** When alerting looked at it (null: not yet; see dev.detour.alert.Alerts). */
  @Column(name = "alerted_at")
  public Instant alertedAt;
}
