package dev.detour.monitor;

import dev.detour.probe.ProbeKind;
import dev.detour.targets.TargetKind;
import dev.detour.watch.Families;
import dev.detour.watch.GroupService;
import dev.detour.watch.Watch;
import dev.detour.watch.WatchGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what the monitor probes: the groups with their intervals, and a group's enabled watches.
 */
@ApplicationScoped
public class MonitoredWatches {

  /** Ids asked about with {@code in (…)} at most; more read every id instead. */
  private static final int IN_LIST_MAX = 500;

  /** A group and the interval its rounds run at. */
  public record GroupPlan(long id, String name, long intervalSeconds) {}

  private final GroupService groups;
  private final MonitorConfig config;

  public MonitoredWatches(GroupService groups, MonitorConfig config) {
    this.groups = groups;
    this.config = config;
  }

  @Transactional
  public List<GroupPlan> groups() {
    return WatchGroup.<WatchGroup>listAll().stream()
        .map(g -> new GroupPlan(g.id, g.name, Math.max(1, groups.effectiveIntervalSeconds(g))))
        .toList();
  }

  /** The enabled watches of a group with their effective probes; null when the group is gone. */
  @Transactional
  public List<WatchSnapshot> watches(long groupId) {
    WatchGroup group = WatchGroup.findById(groupId);
    if (group == null) {
      return null;
    }
    Set<ProbeKind> inherited = Set.copyOf(groups.effectiveProbes(group));
    Families families = groups.effectiveFamilies(group);
    Set<ProbeKind> prefixes = Set.copyOf(config.prefixProbes());
    // Columns, not entities: a round of 100,000 watches loaded as managed entities (with their
    // tag sets and Hibernate's copies for dirty checking) was ~70 MB at once, every round.
    List<Object[]> rows =
        Watch.getEntityManager()
            .createQuery(
                "select w.id, w.target, w.kind, w.ports, w.probes from Watch w"
                    + " where w.group.id = ?1 and w.enabled = true order by w.id",
                Object[].class)
            .setParameter(1, groupId)
            .setHint(org.hibernate.jpa.HibernateHints.HINT_READ_ONLY, true)
            .getResultList();
    // Most watches of a group share their ports and probes: one copy each, not one a watch.
    Map<Object, Object> shared = new HashMap<>();
    List<WatchSnapshot> all = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      TargetKind kind = (TargetKind) row[2];
      @SuppressWarnings("unchecked")
      List<Integer> ports = (List<Integer>) row[3];
      @SuppressWarnings("unchecked")
      Set<ProbeKind> own = (Set<ProbeKind>) row[4];
      Set<ProbeKind> probes =
          own != null ? Set.copyOf(own) : kind == TargetKind.PREFIX ? prefixes : inherited;
      all.add(
          new WatchSnapshot(
              (Long) row[0],
              (String) row[1],
              kind,
              group.id,
              group.name,
              once(shared, List.copyOf(ports)),
              once(shared, probes),
              families));
    }
    return all;
  }

  @SuppressWarnings("unchecked")
  private static <T> T once(Map<Object, Object> shared, T value) {
    return (T) shared.computeIfAbsent(value, v -> v);
  }

  /** Which of these watches still exist. */
  @Transactional
  public Set<Long> existing(Set<Long> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    if (ids.size() > IN_LIST_MAX) {
      // Every id at once: a list of 100,000 parameters is over PostgreSQL's limit of 65,535,
      // and H2 compared each row with each of them (a third of a 100k round's CPU).
      Set<Long> all =
          Watch.getEntityManager()
              .createQuery("select w.id from Watch w", Long.class)
              .getResultStream()
              .collect(Collectors.toCollection(HashSet::new));
      all.retainAll(ids);
      return all;
    }
    return Watch.getEntityManager()
        .createQuery("select w.id from Watch w where w.id in :ids", Long.class)
        .setParameter("ids", ids)
        .getResultStream()
        .collect(Collectors.toSet());
  }
}
