package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import dev.detour.targets.Target;
import dev.detour.targets.TargetKind;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/** One thing a user wants watched: a host, an address or a prefix, within a group. */
@Entity
@Table(name = "watch")
public class Watch extends PanacheEntityBase {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "watch_seq")
  // Large steps keep a 44k-line import from asking the database for ids 44k times.
  @SequenceGenerator(name = "watch_seq", sequenceName = "watch_seq", allocationSize = 500)
  public Long id;

  @ManyToOne(fetch = FetchType.LAZY, optional = false)
  @JoinColumn(name = "group_id", nullable = false)
  public WatchGroup group;

  /** The normalised target ({@link Target#value()}). */
  @Column(nullable = false, length = 253)
  public String target;

  @Enumerated(EnumType.STRING)
  @Column(nullable = false, length = 10)
  public TargetKind kind;

  @Convert(converter = PortsConverter.class)
  @Column(nullable = false, length = 400)
  public List<Integer> ports;

  /** Probes of this watch; null means its group's (and then the service's) default. */
  @Convert(converter = ProbeKindsConverter.class)
  @Column(length = 200)
  public Set<ProbeKind> probes;

  @Convert(converter = TagsConverter.class)
  @Column(nullable = false, length = 1000)
  public SortedSet<String> tags;

  /** The stored form of {@link #tags}, read-only, for tag filters ({@link TagsConverter}). */
  @Column(name = "tags", insertable = false, updatable = false)
  String tagsColumn;

  @Column(length = 2000)
  public String note;

  @Column(nullable = false)
  public boolean enabled = true;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;

  /** Paused: disabled until this moment, then enabled again; null otherwise. */
  @Column(name = "resume_at")
  public Instant resumeAt;

  @Version public long version;
}
