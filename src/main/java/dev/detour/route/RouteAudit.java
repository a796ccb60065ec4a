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

/**
 * One line of the audit log: a change made (or refused) on a router, a check after it, or a switch
 * flipped — who, what, when and why.
 */
@Entity
@Table(name = "route_audit")
public class RouteAudit extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "route_audit_seq")
  @SequenceGenerator(
      name = "route_audit_seq",
      sequenceName = "route_audit_seq",
      allocationSize = 50)
  public Long id;

  @Column(nullable = false)
  public Instant at;

  /** The router, or null for a switch or a pin that concerns them all. */
  @Column(length = 63)
  public String router;

  /**
   * {@code add}, {@code remove}, {@code verify}, {@code sync}, {@code pin}, {@code kill-switch}…
   */
  @Column(nullable = false, length = 20)
  public String action;

  @Column(length = 50)
  public String prefix;

  /** {@code ok}, {@code error}, {@code skipped} or {@code dry-run}. */
  @Column(nullable = false, length = 10)
  public String outcome;

  /** {@code detour} for the service's own syncs, {@code api} for a request. */
  @Column(nullable = false, length = 63)
  public String actor;

  @Column(nullable = false, length = 500)
  public String reason = "";

  @Column(nullable = false, length = 2000)
  public String detail = "";
}
