package dev.detour.monitor;

import dev.detour.cluster.Node;
import dev.detour.history.Stretch;
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
 * here, never from the rounds themselves.
 */
@ApplicationScoped
public class Statuses implements WatchStates {

  private final WatchStateStore states;
  private final HistoryKeeper history;
  private final StatusStore store;
  private final RoundRunner runner;
  private final Vantages vantages;
  private final MonitorConfig config;
  private final Node node;

  public Statuses(
      WatchStateStore states,
      StatusStore store,
      RoundRunner runner,
      Vantages vantages,
      MonitorConfig config,
      Node node,
      HistoryKeeper history) {
    this.history = history;
    this.states = states;
    this.store = store;
    this.runner = runner;
    this.vantages = vantages;
    this.config = config;
    this.node = node;
  }

  @Override
  @Transactional
  public WatchRuntimeView status(long id) {
    WatchRuntimeView live = states.view(id);
    return live != null ? live : store.view(WatchStatus.findById(id));
  }

  @Override
  @Transactional
  public Map<Long, WatchRuntimeView> statuses(Collection<Long> ids) {
    Map<Long, WatchRuntimeView> all = new HashMap<>(states.views(ids));
    List<Long> missing = ids.stream().filter(id -> !all.containsKey(id)).toList();
    Map<Long, WatchStatus> stored = new HashMap<>();
    for (int from = 0; from < missing.size(); from += 1000) {
      List<Long> chunk = missing.subList(from, Math.min(missing.size(), from + 1000));
      WatchStatus.<WatchStatus>list("watchId in ?1", chunk).forEach(s -> stored.put(s.watchId, s));
    }
    missing.forEach(id -> all.put(id, store.view(stored.get(id))));
    return all;
  }

  @Override
  @Transactional
  public Map<Long, WatchState> held(Collection<Long> ids) {
    Map<Long, WatchState> all = new HashMap<>(states.held(ids));
    List<Long> missing = ids.stream().filter(id -> !all.containsKey(id)).toList();
    for (int from = 0; from < missing.size(); from += 1000) {
      List<Long> chunk = missing.subList(from, Math.min(missing.size(), from + 1000));
      WatchStatus.<WatchStatus>list("watchId in ?1", chunk)
          .forEach(s -> all.put(s.watchId, WatchState.valueOf(s.state)));
    }
    return all;
  }

  @Override
  public Map<Long, List<Stretch>> unstored(Collection<Long> ids) {
    return history.unstored(ids);
  }

  @Override
  public Map<String, Map<WatchState, Long>> countsByGroup() {
    return states.counts().byGroup();
  }

  @Override
  public MonitorView monitor() {
    RoundRunner.Pace pace = runner.pace();
    return new MonitorView(
        node.id(),
        config.enabled(),
        vantages.online(),
        vantages.detail(),
        vantages.control().mode(),
        vantages.controlOnline(),
        vantages.controlDetail(),
        states.counts().total(),
        pace.lastRoundMillis(),
        pace.rounds(),
        pace.probing(),
        pace.queued(),
        pace.rechecking());
  }

  @Override
  public List<Standing> standings() {
    return states.standings();
  }

  @Override
  public void catchUp() {
    states.adoptOthers();
  }
}
