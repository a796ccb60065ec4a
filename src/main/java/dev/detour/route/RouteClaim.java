package dev.detour.route;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Embeddable;
import jakarta.persistence.EmbeddedId;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;

/**
 * A prefix a blocked watch wants routed. It stays while the watch is blocked (or unknown: this
 * vantage offline), is released when the watch clears, and goes once its group's grace has passed.
 */
@Entity
@Table(name = "route_claim")
public class RouteClaim extends PanacheEntityBase {

  /** The watch and one prefix it wants. */
  @Embeddable
  public record Key(@Column(name = "watch_id") long watchId, @Column(length = 50) String prefix)
      implements Serializable {}

  @EmbeddedId public Key key;

  /** Why, for the audit log and the router's comment: the watch and its block method. */
  @Column(nullable = false, length = 300)
  public String reason;

  /** The block was confirmed through the tunnel (a control vantage saw the target work). */
  @Column(nullable = false)
  public boolean verified;

  @Column(nullable = false)
  public Instant since;

  @Column(name = "seen_at", nullable = false)
  public Instant seenAt;

  @Column(name = "released_at")
  public Instant releasedAt;
}
