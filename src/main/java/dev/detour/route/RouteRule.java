package dev.detour.route;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import java.time.Instant;

/** A prefix the user pinned (always routed) or excluded (never routed). */
@Entity
@Table(name = "route_rule")
public class RouteRule extends PanacheEntityBase {

  /** Pins and exclusions, lower-case in the database and the API. */
  public enum Kind {
    PIN,
    EXCLUSION
  }

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "route_rule_seq")
  @SequenceGenerator(name = "route_rule_seq", sequenceName = "route_rule_seq", allocationSize = 10)
  public Long id;

  @Column(nullable = false, length = 10)
  public String kind;

  @Column(nullable = false, length = 50)
  public String prefix;

  @Column(length = 500)
  public String note;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "created_by", nullable = false, length = 63)
  public String createdBy;
}
