package dev.detour.monitor;

import dev.detour.state.LatencySample;
import dev.detour.state.MonitorView;
import dev.detour.state.Standing;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStates;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A watch's status wherever it is: live when it has been probed since this start, else as stored by
 * the last run, else unknown ("not probed yet"). The API, the pages and routing read states through
 * here, never from the monitor itself.
 */
@ApplicationScoped
public class Statuses implements WatchStates {

  private final Monitor monitor;
  private final StatusStore store;

  public Statuses(Monitor monitor, StatusStore store) {
    this.monitor = monitor;
    this.store = store;
  }

  @Override
  @Transactional
  public WatchRuntimeView status(long id) {
    WatchRuntimeView live = monitor.view(id);
    return live != null ? live : store.view(WatchStatus.findById(id));
  }

  @Override
  @Transactional
  public Map<Long, WatchRuntimeView> statuses(Collection<Long> ids) {
    Map<Long, WatchRuntimeView> all = new HashMap<>(monitor.views(ids));
    List<Long> missing = ids.stream().filter(id -> !all.containsKey(id)).toList();
    Map<Long, WatchStatus> stored = new HashMap<>();
    if (!missing.isEmpty()) {
      for (int from = 0; from < missing.size(); from += 1000) {
        List<Long> chunk = missing.subList(from, Math.min(missing.size(), from + 1000));
        WatchStatus.<WatchStatus>list("watchId in ?1", chunk)
            .forEach(s -> stored.put(s.watchId, s));
      }
    }
    missing.forEach(id -> all.put(id, store.view(stored.get(id))));
    return all;
  }

  @Override
  public List<LatencySample> latency(long id) {
    return monitor.latency(id);
  }

  @Override
  public Map<String, Map<WatchState, Long>> countsByGroup() {
    return monitor.statesByGroup();
  }

  @Override
  public MonitorView monitor() {
    return monitor.overview();
  }

  @Override
  public List<Standing> standings() {
    return monitor.standings();
  }

  @Override
  public void catchUp() {
    monitor.adoptOthers();
  }
}
