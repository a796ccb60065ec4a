package dev.detour.ui;

import dev.detour.history.Histories;
import dev.detour.history.HistoryStore;
import dev.detour.history.Stretch;
import dev.detour.state.WatchStates;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Watches' histories as the pages draw them: what the database holds and this hour's rounds. */
@ApplicationScoped
public class WatchHistories {

  private final HistoryStore store;
  private final WatchStates states;

  public WatchHistories(HistoryStore store, WatchStates states) {
    this.store = store;
    this.states = states;
  }

  /** One watch's history over the last {@code back}, oldest first. */
  public List<Stretch> of(long id, Duration back) {
    return of(List.of(id), back).getOrDefault(id, List.of());
  }

  /** These watches' histories over the last {@code back}, each oldest first. */
  public Map<Long, List<Stretch>> of(Collection<Long> ids, Duration back) {
    long now = Instant.now().getEpochSecond();
    long from = now - back.getSeconds();
    Map<Long, List<Stretch>> stored = store.read(ids, from);
    Map<Long, List<Stretch>> unstored = states.unstored(ids);
    Map<Long, List<Stretch>> all = new HashMap<>();
    for (Long id : ids) {
      all.put(
          id,
          Histories.joined(
              stored.getOrDefault(id, List.of()),
              unstored.getOrDefault(id, List.of()).stream().filter(s -> s.from() >= from).toList(),
              now));
    }
    return all;
  }
}
