package dev.detour.monitor;

import dev.detour.DetourConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.watch.GroupService;
import dev.detour.watch.TargetKind;
import dev.detour.watch.Watch;
import dev.detour.watch.WatchGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.EnumSet;
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
  private final DetourConfig config;

  public MonitoredWatches(GroupService groups, DetourConfig config) {
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
    Set<ProbeKind> inherited = groups.effectiveProbes(group);
    List<Watch> watches = Watch.list("group.id = ?1 and enabled = true order by id", groupId);
    return watches.stream()
        .map(
            w ->
                new WatchSnapshot(
                    w.id,
                    w.target,
                    w.kind,
                    group.id,
                    group.name,
                    List.copyOf(w.ports),
                    Set.copyOf(probes(w, inherited))))
        .toList();
  }

  private Set<ProbeKind> probes(Watch w, Set<ProbeKind> inherited) {
    if (w.probes != null) {
      return w.probes;
    }
    if (w.kind == TargetKind.PREFIX) {
      return EnumSet.copyOf(config.monitor().prefixProbes());
    }
    return inherited;
  }

  /** Target and group of these watches, for statuses loaded at start. */
  @Transactional
  public Map<Long, String[]> names(List<Long> ids) {
    if (ids.isEmpty()) {
      return Map.of();
    }
    String query = "select w.id, w.target, w.group.name from Watch w";
    // As in existing(): past a few hundred ids, every watch at once.
    boolean all = ids.size() > IN_LIST_MAX;
    var select =
        Watch.getEntityManager()
            .createQuery(all ? query : query + " where w.id in :ids", Object[].class);
    if (!all) {
      select.setParameter("ids", ids);
    }
    Set<Long> wanted = all ? new HashSet<>(ids) : null;
    Map<Long, String[]> names = new HashMap<>();
    select
        .getResultStream()
        .forEach(
            row -> {
              Long id = (Long) row[0];
              if (wanted == null || wanted.contains(id)) {
                names.put(id, new String[] {(String) row[1], (String) row[2]});
              }
            });
    return names;
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
