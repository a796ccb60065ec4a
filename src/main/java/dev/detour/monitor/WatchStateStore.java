package dev.detour.monitor;

import dev.detour.cluster.Node;
import dev.detour.cluster.Rounds;
import dev.detour.history.HistoryStore;
import dev.detour.incident.MassBlocks;
import dev.detour.metrics.Metrics;
import dev.detour.state.AddressEvidence;
import dev.detour.state.Standing;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStateChanged;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.WatchState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Every watch's live state: its hysteresis stepped by each round's verdict, what is written to the
 * database and when (a change at once with its incident, the rest now and then), the {@link
 * WatchStateChanged} event, the detection metric — and the state as stored picked up at start, or
 * read again after a round another node of a cluster ran.
 */
@ApplicationScoped
public class WatchStateStore {

  private static final Logger LOG = Logger.getLogger(WatchStateStore.class);

  /** Detection latency buckets: a few per decade, from a second to an hour. */
  private static final Duration[] DETECTION_BUCKETS =
      Stream.of(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600)
          .map(Duration::ofSeconds)
          .toArray(Duration[]::new);

  /** How often an unchanged watch's row is written again (its checked time). */
  private static final Duration STORE_UNCHANGED_EVERY = Duration.ofMinutes(10);

  private final StatusStore store;
  private final MonitoredWatches watches;
  private final VerdictConfig verdict;
  private final MassBlocks mass;
  private final AllowlistMode allowlist;
  private final Event<WatchStateChanged> changed;
  private final MeterRegistry registry;
  private final Rounds rounds;
  private final Node node;
  private final Captures captures;
  private final HistoryStore history;
  private final WatchMeters meters;
  private final StateCounts counts;

  private final Map<Long, WatchRuntime> runtimes = new ConcurrentHashMap<>();

  /** Per group, the latest round whose state this node has: one it ran, or one it read. */
  private final Map<Long, Long> adopted = new ConcurrentHashMap<>();

  /** A watch's status row is written by one transaction at a time (a change, or the flush). */
  private final Object writes = new Object();

  private volatile boolean loaded;

  public WatchStateStore(
      StatusStore store,
      MonitoredWatches watches,
      VerdictConfig verdict,
      MonitorConfig monitor,
      MassBlocks mass,
      AllowlistMode allowlist,
      Event<WatchStateChanged> changed,
      MeterRegistry registry,
      Rounds rounds,
      Node node,
      Captures captures,
      HistoryStore history) {
    this.history = history;
    this.store = store;
    this.watches = watches;
    this.verdict = verdict;
    this.mass = mass;
    this.allowlist = allowlist;
    this.changed = changed;
    this.registry = registry;
    this.rounds = rounds;
    this.node = node;
    this.captures = captures;
    this.meters = new WatchMeters(runtimes::values, monitor.watchSeriesMax());
    this.meters.registerWith(registry);
    this.counts = new StateCounts(runtimes::values);
  }

  // ------------------------------------------------------------------------------- picking up

  /** Picks up the states stored by the last run, so a restart does not forget a block. */
  synchronized void load() {
    if (loaded) {
      return;
    }
    for (StatusStore.Stored s : store.loadAll()) {
      restore(s.status(), s.target(), s.group());
    }
    loaded = true;
    LOG.infof("Monitor: %d watch states picked up from the database", runtimes.size());
  }

  /** A watch's state as stored: its runtime here is made to say the same. */
  private WatchRuntime restore(WatchStatus s, String target, String group) {
    Tracker tracker = StatusStore.tracker(s);
    WatchRuntime rt =
        runtimes.computeIfAbsent(s.watchId, id -> new WatchRuntime(id, target, group, tracker));
    rt.target = target;
    rt.group(group);
    rt.tracker(tracker);
    rt.checkedAt = s.checkedAt;
    rt.storedAt = s.checkedAt;
    WatchRuntimeView view = store.view(s);
    rt.methods = Set.copyOf(view.methods());
    rt.censor = view.censor();
    rt.parts = view.parts() == null ? List.of() : view.parts();
    rt.dirty = false;
    if (rt.tracker().method() != null) {
      meters.method(rt, rt.tracker().method());
    }
    return rt;
  }

  /**
   * A round of this group begins on this node: when the group's previous round ran on another, its
   * state is read from the database first.
   */
  void roundBegins(long groupId, Rounds.Summary previous) {
    load();
    if (previous != null && !previous.node().equals(node.id())) {
      adopt(groupId, previous);
    }
  }

  /** A round of this group ended here: its hysteresis under way is written for the next node. */
  void roundEnded(long groupId, long roundId) {
    flush(rt -> rt.groupId == groupId && rt.pendingDigest != rt.storedPendingDigest);
    adopted.put(groupId, roundId);
  }

  /**
   * Reads a group's state from the database, written by the node that ran its latest round: this
   * node's memory of it is older. Watches being probed here are left alone.
   */
  private void adopt(long groupId, Rounds.Summary latest) {
    if (Long.valueOf(latest.id()).equals(adopted.get(groupId))) {
      return;
    }
    int n = 0;
    for (StatusStore.Stored stored : store.loadGroup(groupId)) {
      WatchRuntime rt = runtimes.get(stored.status().watchId);
      if (rt != null && rt.running.get()) {
        continue;
      }
      restore(stored.status(), stored.target(), stored.group()).groupId = groupId;
      n++;
    }
    adopted.put(groupId, latest.id());
    LOG.debugf("Group %d: %d watch states read, as node %s left them", groupId, n, latest.node());
  }

  /**
   * Groups whose latest round ran on another node, finished since this node last looked: their
   * state is read again, so this node's API, pages and route sync see what that node saw.
   */
  void adoptOthers() {
    String me = node.id();
    for (MonitoredWatches.GroupPlan plan : watches.groups()) {
      Rounds.Summary latest = rounds.latest(plan.id());
      if (latest != null && latest.finishedAt() != null && !latest.node().equals(me)) {
        adopt(plan.id(), latest);
      }
    }
  }

  // ------------------------------------------------------------------------------- watches

  /** The watch's runtime, made on its first round. */
  WatchRuntime runtime(WatchSnapshot w) {
    WatchRuntime rt =
        runtimes.computeIfAbsent(
            w.id(),
            id -> new WatchRuntime(id, w.target(), w.group(), Tracker.unknown(Instant.now())));
    rt.groupId = w.groupId();
    if (!rt.target.equals(w.target()) || !rt.group.equals(w.group())) {
      rt.target = w.target();
      rt.group(w.group());
    }
    return rt;
  }

  /** Whether this runtime is still the watch's (not forgotten or replaced meanwhile). */
  boolean current(WatchRuntime rt) {
    return runtimes.get(rt.id) == rt;
  }

  /** The watches of a group that its latest list no longer has (deleted, disabled, moved). */
  void forgetAllBut(long groupId, Set<Long> present) {
    runtimes.values().stream()
        .filter(rt -> rt.groupId == groupId && !present.contains(rt.id))
        .map(rt -> rt.id)
        .toList()
        .forEach(this::forget);
  }

  /** A watch deleted, disabled or moved away: its state and meters go, its hour's rounds stay. */
  void forget(long id) {
    WatchRuntime rt = runtimes.remove(id);
    if (rt != null) {
      WatchRuntime.SHOWN.incrementAndGet();
      captures.forget(rt);
      history.queue(rt.history.seal(rt.id));
    }
  }

  /** Groups that no longer exist: their watches are forgotten. */
  void forgetGroupsExcept(Set<Long> groups) {
    runtimes.values().stream()
        .filter(rt -> rt.groupId != 0 && !groups.contains(rt.groupId))
        .map(rt -> rt.id)
        .toList()
        .forEach(this::forget);
  }

  /** This vantage went offline: every watch shows unknown now. */
  void markAllOffline() {
    runtimes
        .values()
        .forEach(
            rt -> {
              rt.offline(true);
              rt.dirty = true;
            });
  }

  /** A round ended: is the ISP in allowlist mode, or out of it again? */
  void lookForAllowlist(boolean controlOnline) {
    allowlist.look(runtimes.values(), controlOnline, Instant.now());
  }

  /** Writes the latest rounds of watches whose state did not change. */
  void flush() {
    flush(rt -> true);
  }

  private void flush(Predicate<WatchRuntime> which) {
    List<WatchRuntime> dirty =
        runtimes.values().stream().filter(rt -> rt.dirty && which.test(rt)).toList();
    if (dirty.isEmpty()) {
      return;
    }
    Set<Long> existing =
        watches.existing(dirty.stream().map(rt -> rt.id).collect(Collectors.toSet()));
    List<WatchRuntime> alive = dirty.stream().filter(rt -> existing.contains(rt.id)).toList();
    synchronized (writes) {
      store.flush(alive);
    }
    alive.forEach(WatchRuntime::stored);
  }

  // ------------------------------------------------------------------------------- a round's end

  /**
   * What a round's verdict did to a watch: the change it caused (null: none, or a first "up"), its
   * incident, and the probe run whose pcap files that incident keeps.
   */
  record Applied(Tracker.Transition transition, Long incident, String kept) {
    static final Applied NOTHING = new Applied(null, null, null);
  }

  /**
   * Steps the watch's hysteresis with the round's verdict, stores a change with its incident
   * (undone here when it cannot be stored: the next round makes it again), announces it, and keeps
   * the round's pcap files as long as they may explain something.
   */
  Applied apply(
      WatchSnapshot w,
      WatchRuntime rt,
      Verdict verdict,
      Set<BlockMethod> methods,
      Instant at,
      List<AddressEvidence> evidence,
      boolean prefix) {
    int blockAfter = prefix ? 1 : this.verdict.blockAfter();
    int clearAfter = prefix ? 1 : this.verdict.clearAfter();
    verdict = allowlist.relabel(rt, verdict);
    if (verdict.method() == BlockMethod.ALLOWLIST) {
      methods = Set.of(BlockMethod.ALLOWLIST);
    }
    Tracker before = rt.tracker();
    Tracker.Step step = before.step(verdict, at, blockAfter, clearAfter);
    rt.tracker(step.tracker());
    rt.verdict = verdict;
    rt.methods = rt.tracker().state() == WatchState.BLOCKED ? Set.copyOf(methods) : Set.of();
    // A series per method the watch is blocked by (registering again is a lookup).
    rt.methods.forEach(m -> meters.method(rt, m));
    rt.checkedAt = at;
    digest(rt, verdict, at);
    List<String> runs =
        evidence.stream()
            .map(AddressEvidence::local)
            .filter(r -> r != null && r.id() != null)
            .map(r -> r.id())
            .toList();
    Tracker.Transition t = step.transition();
    if (t == null) {
      captures.keepUntilNext(rt, runs, null);
      return Applied.NOTHING;
    }
    String kept =
        evidence.stream()
            .filter(e -> e.local() != null && e.local().id() != null)
            .sorted(Comparator.comparing(e -> e.verdict().state() != t.to().state()))
            .map(e -> e.local().id())
            .findFirst()
            .orElse(null);
    if (t.to().state() != WatchState.BLOCKED) {
      rt.censor = null;
    }
    if (t.from() == WatchState.UNKNOWN && t.to().state() == WatchState.UP) {
      // Tells nothing worth an incident or a sync: the next flush stores it with the others, in
      // one transaction rather than one per watch (a first round of 100,000 watches).
      rt.dirty = true;
      LOG.debugf("%s: unknown → up", w.target());
      captures.keepUntilNext(rt, runs, null);
      return Applied.NOTHING;
    }
    Long incident;
    try {
      synchronized (writes) {
        incident = store.transition(rt, t, at, kept);
      }
    } catch (RuntimeException e) {
      // Not stored: the change is undone here too and the next round makes it again.
      rt.tracker(before);
      LOG.errorf(
          e,
          "Cannot store %s's change to %s; trying again next round",
          w.target(),
          t.to().state().label());
      return Applied.NOTHING;
    }
    rt.stored();
    changed.fire(
        new WatchStateChanged(
            rt.id, rt.target, rt.group, t.from(), t.to().state(), t.to().method(), at, incident));
    // The first reason goes with the change, so the log alone says why a watch changed.
    LOG.infof(
        "%s: %s → %s%s after %d rounds%s",
        w.target(),
        t.from().label(),
        t.to().state().label(),
        t.to().method() == null ? "" : " (" + t.to().method().label() + ")",
        t.rounds(),
        t.to().reasons().isEmpty() ? "" : ": " + t.to().reasons().get(0));
    if (t.to().state() == WatchState.BLOCKED) {
      Timer.builder(Metrics.DETECTION_LATENCY)
          .description("From the first bad round to the blocked verdict")
          .serviceLevelObjectives(DETECTION_BUCKETS)
          .register(registry)
          .record(Duration.between(t.firstBadAt(), at));
      if (incident != null && !allowlist.joined(rt, incident)) {
        mass.blocked(t.to().method(), incident, at);
      }
    }
    captures.keepUntilNext(rt, runs, kept);
    return new Applied(t, incident, kept);
  }

  /**
   * What the stored row would say, as hashes: a changed one is written soon; an unchanged one's
   * checked time alone now and then (rewriting every watch's row every round was most of the
   * database's work, and its size, at 100,000 watches).
   */
  private static void digest(WatchRuntime rt, Verdict verdict, Instant at) {
    Tracker t = rt.tracker();
    Verdict pending = t.pending();
    rt.pendingDigest =
        pending == null
            ? 0
            : Objects.hash(pending.state(), pending.method(), t.pendingRounds(), t.pendingSince());
    rt.digest =
        Objects.hash(
            t.state(),
            t.method(),
            t.since(),
            rt.methods,
            verdict.reasons(),
            rt.parts.stream().map(p -> p.part() + p.state() + p.method()).toList(),
            rt.offline());
    if (rt.digest != rt.storedDigest
        || rt.storedAt == null
        || !at.isBefore(rt.storedAt.plus(STORE_UNCHANGED_EVERY))) {
      rt.dirty = true;
    }
  }

  // ------------------------------------------------------------------------------- reading

  /** The live state of a watch, or null when it has not been probed since this start. */
  WatchRuntimeView view(long id) {
    WatchRuntime rt = runtimes.get(id);
    return rt == null ? null : rt.view(store);
  }

  /** The states the hysteresis holds of these watches (those probed since this start). */
  Map<Long, WatchState> held(Collection<Long> ids) {
    Map<Long, WatchState> all = new HashMap<>();
    for (Long id : ids) {
      WatchRuntime rt = runtimes.get(id);
      if (rt != null) {
        all.put(id, rt.tracker().state());
      }
    }
    return all;
  }

  /** The watches known here now (a live view). */
  java.util.Collection<WatchRuntime> all() {
    return runtimes.values();
  }

  /** A watch's runtime, or null when it has none here. */
  WatchRuntime find(long id) {
    return runtimes.get(id);
  }

  /** Live states of these watches (those probed so far), without their evidence. */
  Map<Long, WatchRuntimeView> views(Collection<Long> ids) {
    Map<Long, WatchRuntimeView> all = new HashMap<>();
    for (Long id : ids) {
      WatchRuntime rt = runtimes.get(id);
      if (rt != null) {
        all.put(id, rt.view(null));
      }
    }
    return all;
  }

  /**
   * What the route planner needs of every watch that is blocked, or unknown while its vantage is
   * offline (the planner keeps those watches' routes): state, method, sub-verdicts.
   */
  List<Standing> standings() {
    load(); // a sync before the first round still sees the blocks stored by the last run
    List<Standing> all = new ArrayList<>();
    for (WatchRuntime rt : runtimes.values()) {
      WatchState state = rt.state();
      if (state == WatchState.BLOCKED || state == WatchState.UNKNOWN) {
        all.add(new Standing(rt.id, state, rt.method(), rt.parts, rt.controlled));
      }
    }
    return all;
  }

  StateCounts counts() {
    return counts;
  }
}
