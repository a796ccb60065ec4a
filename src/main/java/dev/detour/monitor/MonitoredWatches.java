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
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Reads what the monitor probes: the groups with their intervals, and a group's enabled watches.
 */
@ApplicationScoped
public class MonitoredWatches {

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
    return Watch.<Watch>list("id in ?1", ids).stream()
        .collect(Collectors.toMap(w -> w.id, w -> new String[] {w.target, w.group.name}));
  }

  /** Which of these watches still exist. */
  @Transactional
  public Set<Long> existing(Set<Long> ids) {
    if (ids.isEmpty()) {
      return Set.of();
    }
    return Watch.getEntityManager()
        .createQuery("select w.id from Watch w where w.id in :ids", Long.class)
        .setParameter("ids", ids)
        .getResultStream()
        .collect(Collectors.toSet());
  }
}
