package dev.detour.monitor;

import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.state.RoundEvidence;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Stores state changes as the monitor would, without probing anything. */
@ApplicationScoped
public class IncidentFixtures {

  private final StatusStore store;
  private final Incidents incidents;

  public IncidentFixtures(StatusStore store, Incidents incidents) {
    this.store = store;
    this.incidents = incidents;
  }

  /** A watch going from up to blocked after three rounds that started 9 s before {@code at}. */
  public long blocked(long watchId, String target, BlockMethod method, Instant at) {
    return blocked(watchId, target, "lab", method, at);
  }

  /** The same in another group. */
  public long blocked(long watchId, String target, String group, BlockMethod method, Instant at) {
    Verdict verdict = Verdict.blocked(method, 0.95, List.of("evidence of " + target), false);
    WatchRuntime rt =
        new WatchRuntime(
            watchId, target, group, new Tracker(WatchState.BLOCKED, method, at, null, 0, null));
    rt.verdict = verdict;
    rt.methods = Set.of(method);
    rt.checkedAt = at;
    rt.evidence =
        store.pack(new RoundEvidence(at, 12, "interface", null, null, List.of(), verdict));
    return store.transition(
        rt,
        new Tracker.Transition(WatchState.UP, null, verdict, at.minusSeconds(9), 3),
        at,
        "18f0a1b2c3d");
  }

  /** A blocked watch answering again: blocked → up after two good rounds. */
  public long cleared(long watchId, String target, String group, Instant at) {
    Verdict verdict = Verdict.up(List.of("port 80: open"));
    WatchRuntime rt =
        new WatchRuntime(
            watchId, target, group, new Tracker(WatchState.UP, null, at, null, 0, null));
    rt.verdict = verdict;
    rt.methods = Set.of();
    rt.checkedAt = at;
    rt.evidence =
        store.pack(new RoundEvidence(at, 12, "interface", null, null, List.of(), verdict));
    return store.transition(
        rt,
        new Tracker.Transition(WatchState.BLOCKED, null, verdict, at.minusSeconds(5), 2),
        at,
        null);
  }

  public long mass(BlockMethod method, List<Long> members) {
    return incidents.massBlock(
        method.name(), method.label(), members, Instant.now().minusSeconds(30));
  }

  /** Allowlist mode over these watches' blocks since {@code since}, as the monitor opens it. */
  public long allowlist(String summary, List<Long> watches, Instant since) {
    return incidents.allowlist(summary, watches, since);
  }

  public long event(Incident.Kind kind, String summary) {
    return incidents.event(kind, summary);
  }

  public long event(Incident.Kind kind, String router, String summary) {
    return incidents.event(kind, router, summary);
  }
}
