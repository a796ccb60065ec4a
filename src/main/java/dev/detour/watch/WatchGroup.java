package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** A named set of watches (e.g. {@code telegram}) with the defaults its watches inherit. */
@Entity
@Table(name = "watch_group")
public class WatchGroup extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "watch_group_seq")
  @SequenceGenerator(
      name = "watch_group_seq",
      sequenceName = "watch_group_seq",
      allocationSize = 10)
  public Long id;

  @Column(nullable = false, unique = true, length = 63)
  public String name;

  @Column(length = 2000)
  public String description;

  /** Probe interval in seconds; null means the service default ({@code detour.probe.interval}). */
  @Column(name = "interval_seconds")
  public Integer intervalSeconds;

  /** Probes for watches that name none; null means the service default. */
  @Convert(converter = ProbeKindsConverter.class)
  @Column(length = 200)
  public Set<ProbeKind> probes;

  /** Whether watches of this group that turn out blocked are routed through the tunnel. */
  @Column(name = "route_blocked", nullable = false)
  public boolean routeBlocked = true;

  /**
   * Whether a block that only QUIC shows (TCP still works, so browsers fall back to it) is routed
   * too; off unless the user asks for it.
   */
  @Column(name = "route_quic_blocks", nullable = false)
  public boolean routeQuicBlocks;

  /**
   * The address families its watches are probed over ({@link Families}' label), or null for the
   * service default ({@code detour.monitor.families}).
   */
  @Column(length = 8)
  public String families;

  /**
   * How long routes stay after a watch clears: seconds as text, {@code keep} (never withdrawn), or
   * null for the service default ({@code detour.routes.withdraw-grace}).
   */
  @Column(name = "route_withdraw", length = 20)
  public String routeWithdraw;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  @Version public long version;

  public static Optional<WatchGroup> findByName(String name) {
    return find("name", name).firstResultOptional();
  }
}
