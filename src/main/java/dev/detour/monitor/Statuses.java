package dev.detour.monitor;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A watch's status wherever it is: live when it has been probed since this start, else as stored by
 * the last run, else unknown ("not probed yet"). The API and the pages read states through here.
 */
@ApplicationScoped
public class Statuses {

  private final Monitor monitor;
  private final StatusStore store;

  public Statuses(Monitor monitor, StatusStore store) {
    this.monitor = monitor;
    this.store = store;
  }

  /** One watch's status in full. */
  @Transactional
  public WatchRuntimeView of(long id) {
    WatchRuntimeView live = monitor.view(id);
    return live != null ? live : store.view(WatchStatus.findById(id));
  }

  /**
   * Many watches' statuses, for lists: those probed since this start without their evidence
   * (callers take {@code summary()}).
   */
  @Transactional
  public Map<Long, WatchRuntimeView> of(Collection<Long> ids) {
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

  /** The latency history of a watch kept since this start, oldest first. */
  public List<LatencyHistory.Sample> latency(long id) {
    return monitor.latency(id);
  }
}
