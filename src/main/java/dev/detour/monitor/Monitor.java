package dev.detour.monitor;

import dev.detour.cluster.Node;
import dev.detour.cluster.Rounds;
import dev.detour.control.ControlVantage;
import dev.detour.control.Controls;
import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.incident.MassBlocks;
import dev.detour.metrics.Metrics;
import dev.detour.probe.Hops;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsEvidence;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.probe.trace.CensorTraces;
import dev.detour.state.LatencySample;
import dev.detour.state.MonitorView;
import dev.detour.state.Part;
import dev.detour.state.Standing;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStateChanged;
import dev.detour.system.SystemConfig;
import dev.detour.target.TargetKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.Verdicts;
import dev.detour.verdict.WatchState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The monitoring loop's work: each round of a group probes every enabled watch — spread over the
 * first half of the interval, each watch on its own so a slow or dead target delays nobody — turns
 * the evidence into a verdict, runs it through the watch's hysteresis, and stores and meters what
 * changed. Before anything, the uplink is checked: with it down every watch is unknown and nobody
 * is blamed.
 */
@ApplicationScoped
public class Monitor {

  private static final Logger LOG = Logger.getLogger(Monitor.class);
  private static final Set<ProbeKind> NOT_PER_ADDRESS = EnumSet.of(ProbeKind.DNS, ProbeKind.TRACE);

  /** Methods a TCP trace can place on the path (not DNS lies, not filtered pings). */
  private static final Set<BlockMethod> TRACEABLE =
      EnumSet.of(
          BlockMethod.TCP_RST_INJECTED,
          BlockMethod.DPI_SYN_SIGNATURE,
          BlockMethod.TCP_BLACKHOLE,
          BlockMethod.HTTP_BLOCKPAGE,
          BlockMethod.HTTP_TAMPERED,
          BlockMethod.TLS_SNI_BLOCKED);

  /** Prefix samples kept as evidence per round: the blocked ones first. */
  private static final int KEPT_SAMPLES = 16;

  /** Detection latency buckets: a few per decade, from a second to an hour. */
  private static final Duration[] DETECTION_BUCKETS =
      Stream.of(1, 2, 5, 10, 20, 30, 60, 120, 300, 600, 1800, 3600)
          .map(Duration::ofSeconds)
          .toArray(Duration[]::new);

  /** How often an unchanged watch's row is written again (its checked time). */
  private static final Duration STORE_UNCHANGED_EVERY = Duration.ofMinutes(10);

  /**
   * Addresses of a prefix probed at once by one watch's round: all of a round's samples (up to the
   * default {@code prefix.max-blocks}), so a black-holed /16 costs one timeout, not eight. The
   * packet budget paces their packets.
   */
  private static final int PREFIX_PARALLEL = 256;

  /**
   * Threads that start watches: a watch in flight holds a place ({@link #inFlight}), not a thread,
   * so thousands in flight need no more.
   */
  private static final int MAX_WORKERS = 64;

  private final MonitorConfig config;
  private final VerdictConfig verdictConfig;
  private final UplinkConfig uplinkConfig;
  private final Path dataDir;
  private final ProbeService probes;
  private final DnsProbe dns;
  private final Controls controls;
  private final Uplink uplink;
  private final StatusStore store;
  private final MonitoredWatches watches;
  private final MeterRegistry registry;
  private final WatchMeters meters;
  private final MassBlocks mass;
  private final Incidents incidents;
  private final Rounds rounds;
  private final Node node;

  private final Map<Long, WatchRuntime> runtimes = new ConcurrentHashMap<>();

  /** Per group, the latest round whose state this node has: one it ran, or one it read. */
  private final Map<Long, Long> adopted = new ConcurrentHashMap<>();

  /** A watch's status row is written by one transaction at a time (a change, or the flush). */
  private final Object writes = new Object();

  /** Starts watches, and probes prefixes' samples and resolves hosts. */
  private final ThreadPoolExecutor workers;

  /** Watches probed at the same time at most ({@code detour.monitor.concurrency}). */
  private final Semaphore inFlight;

  /** Applies verdicts as raw probes' answers come, off the probes' timer. */
  private final ThreadPoolExecutor verdicts;

  private final ScheduledExecutorService starter;
  private final Map<String, Instant> lastOverrunLog = new ConcurrentHashMap<>();
  private final Map<String, Long> lastRound = new ConcurrentHashMap<>();
  private final Map<String, Long> roundCounts = new ConcurrentHashMap<>();
  private final Event<WatchStateChanged> changed;
  private volatile boolean vantageOnline = true;

  /** Counts this vantage's offline spells: a round begun before one tells nothing after it. */
  private volatile long offlineSpells;

  private volatile String vantageDetail = "not checked yet";
  private volatile Boolean controlOnline;
  private volatile boolean loaded;
  private volatile boolean stopping;

  public Monitor(
      MonitorConfig config,
      VerdictConfig verdictConfig,
      UplinkConfig uplinkConfig,
      SystemConfig system,
      ProbeService probes,
      DnsProbe dns,
      Controls controls,
      Uplink uplink,
      StatusStore store,
      MonitoredWatches watches,
      MeterRegistry meters,
      Rounds rounds,
      Node node,
      MassBlocks mass,
      Incidents incidents,
      Event<WatchStateChanged> changed) {
    this.changed = changed;
    this.mass = mass;
    this.incidents = incidents;
    this.rounds = rounds;
    this.node = node;
    this.config = config;
    this.verdictConfig = verdictConfig;
    this.uplinkConfig = uplinkConfig;
    this.dataDir = system.dataDir();
    this.probes = probes;
    this.dns = dns;
    this.controls = controls;
    this.uplink = uplink;
    this.store = store;
    this.watches = watches;
    this.registry = meters;
    this.meters = new WatchMeters(runtimes::values, config.watchSeriesMax());
    this.meters.registerWith(meters);
    AtomicInteger count = new AtomicInteger();
    // Workers start watches and wait only where a probe cannot: a host's DNS, a prefix's samples.
    int starters = Math.min(config.concurrency(), MAX_WORKERS);
    this.workers =
        new ThreadPoolExecutor(
            starters,
            starters,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "detour-monitor-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.workers.allowCoreThreadTimeOut(true);
    this.inFlight = new Semaphore(config.concurrency());
    AtomicInteger verdictCount = new AtomicInteger();
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.verdicts =
        new ThreadPoolExecutor(
            cores,
            cores,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "detour-verdict-" + verdictCount.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.verdicts.allowCoreThreadTimeOut(true);
    this.starter =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "detour-round-starter");
              t.setDaemon(true);
              return t;
            });
    Gauge.builder(Metrics.VANTAGE_UP, this, m -> m.vantageOnline ? 1 : 0)
        .description("1 while this host's uplink works")
        .register(registry);
    Gauge.builder(Metrics.CONTROL_UP, this, m -> Boolean.TRUE.equals(m.controlOnline) ? 1 : 0)
        .description("1 while the control vantage answers")
        .register(registry);
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    starter.shutdownNow();
    workers.shutdownNow();
    verdicts.shutdownNow();
  }

  /** Picks up the states stored by the last run, so a restart does not forget a block. */
  synchronized void load() {
    if (loaded) {
      return;
    }
    List<WatchStatus> stored = store.load();
    Map<Long, String[]> names = watches.names(stored.stream().map(s -> s.watchId).toList());
    for (WatchStatus s : stored) {
      String[] name = names.get(s.watchId);
      if (name != null) {
        restore(s, name[0], name[1]);
      }
    }
    loaded = true;
    LOG.infof("Monitor: %d watch states picked up from the database", runtimes.size());
  }

  /** A watch's state as stored: its runtime here is made to say the same. */
  private void restore(WatchStatus s, String target, String group) {
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
      restore(stored.status(), stored.target(), stored.group());
      runtimes.get(stored.status().watchId).groupId = groupId;
      n++;
    }
    adopted.put(groupId, latest.id());
    LOG.debugf("Group %d: %d watch states read, as node %s left them", groupId, n, latest.node());
  }

  /**
   * Groups whose latest round ran on another node, finished since this node last looked: their
   * state is read again, so this node's API, pages and route sync see what that node saw.
   */
  public void adoptOthers() {
    String me = node.id();
    for (MonitoredWatches.GroupPlan plan : watches.groups()) {
      Rounds.Summary latest = rounds.latest(plan.id());
      if (latest != null && latest.finishedAt() != null && !latest.node().equals(me)) {
        adopt(plan.id(), latest);
      }
    }
  }

  // ------------------------------------------------------------------------------- rounds

  /**
   * One round of a group, called by its Quartz job every interval on one node of the cluster:
   * returns when every watch of the round is done (or after three intervals, for a round that
   * hangs). When the group's previous round ran on another node, the group's state is read from the
   * database first; the round's changes are written before it returns, for whichever node runs the
   * next.
   */
  public void round(MonitoredWatches.GroupPlan plan, Instant scheduledAt, boolean recovered) {
    load();
    Rounds.Begun begun = rounds.begin(plan.id(), node.id(), scheduledAt, recovered);
    Rounds.Summary previous = begun.previous();
    if (previous != null && !previous.node().equals(node.id())) {
      adopt(plan.id(), previous);
    }
    int probed = 0;
    try {
      RoundStart started = start(plan);
      probed = started.watches();
      long waitMillis = Math.max(60_000, plan.intervalSeconds() * 3000);
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
      long checked = System.nanoTime();
      long checkEvery = Math.max(1, uplinkConfig.checkEvery().toNanos());
      while (!started.over().isDone() && !stopping) {
        if (System.nanoTime() - checked >= checkEvery) {
          // A round whose targets hang (an uplink gone dead takes every probe to its timeout)
          // still notices the uplink going: every watch shows unknown now, not after the round.
          checked = System.nanoTime();
          vantage(uplink.status());
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          overrun(plan.name(), "the round is still running after " + waitMillis + " ms");
          break;
        }
        try {
          started
              .over()
              .get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException notYet) {
          // Looked again in half a second: a stopping service does not wait for the round.
        } catch (ExecutionException e) {
          LOG.warnf(e.getCause(), "Round of group %s failed", plan.name());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
      }
    } finally {
      // Hysteresis under way is written now, for whichever node runs the next round; the rest
      // (checked times, a watch's first "up") goes with the periodic flush, as on one node.
      flush(rt -> rt.groupId == plan.id() && rt.pendingDigest != rt.storedPendingDigest);
      rounds.finish(begun.id(), probed);
      adopted.put(plan.id(), begun.id());
    }
  }

  /** A round under way: how many watches it probes, and when it is over. */
  private record RoundStart(int watches, CompletableFuture<Void> over) {
    static RoundStart none() {
      return new RoundStart(0, CompletableFuture.completedFuture(null));
    }
  }

  private RoundStart start(MonitoredWatches.GroupPlan plan) {
    Duration interval = Duration.ofSeconds(plan.intervalSeconds());
    List<WatchSnapshot> list = watches.watches(plan.id());
    if (list == null) {
      return RoundStart.none();
    }
    String group = plan.name();
    Set<Long> present = list.stream().map(WatchSnapshot::id).collect(Collectors.toSet());
    runtimes.values().stream()
        .filter(rt -> rt.groupId == plan.id() && !present.contains(rt.id))
        .map(rt -> rt.id)
        .toList()
        .forEach(this::forget);
    if (list.isEmpty()) {
      return RoundStart.none();
    }
    Uplink.Status up = uplink.status();
    vantage(up);
    for (WatchSnapshot w : list) {
      WatchRuntime rt = runtime(w);
      if (rt.offline() != !up.up()) {
        // Offline every watch shows unknown; back online each shows its state again, as it was.
        rt.offline(!up.up());
        rt.dirty = true;
      }
    }
    if (!up.up()) {
      return RoundStart.none();
    }
    ControlVantage.Health health = controls.health();
    control(health);
    RoundClock clock = new RoundClock(group, interval, list.size());
    // Spread the watches' starts, no wider than half the interval: the packet budget paces the
    // packets themselves, the spread keeps a big group from queueing all at once.
    long spread = Math.min(interval.toMillis() / 2, list.size() * 10L);
    for (int i = 0; i < list.size(); i++) {
      WatchSnapshot w = list.get(i);
      WatchRuntime rt = runtime(w);
      if (!rt.running.compareAndSet(false, true)) {
        overrun(w.group(), w.target() + " is still being probed from the last round");
        clock.done();
        continue;
      }
      long delay =
          list.size() == 1
              ? 0
              : spread * i / list.size()
                  + ThreadLocalRandom.current().nextLong(Math.max(1, spread / list.size()));
      rt.rechecks = 0;
      starter.schedule(
          () -> workers.execute(() -> probeInRound(w, rt, health, clock)),
          delay,
          TimeUnit.MILLISECONDS);
    }
    return new RoundStart(list.size(), clock.over);
  }

  /**
   * Probes one watch of a round, once one of {@code detour.monitor.concurrency} places is free; the
   * place and the watch are given back when its verdict is applied.
   */
  private void probeInRound(
      WatchSnapshot w, WatchRuntime rt, ControlVantage.Health health, RoundClock clock) {
    probeHolding(
        w,
        rt,
        health,
        "Round",
        probed -> {
          clock.done();
          if (probed) {
            recheckIfChanging(w, rt, clock.interval);
          }
        });
  }

  /**
   * Probes a watch marked running once one of the {@code detour.monitor.concurrency} places is
   * free; the place and the watch are given back when its verdict is applied (or the probe fails),
   * then {@code after} learns whether it was probed.
   */
  private void probeHolding(
      WatchSnapshot w,
      WatchRuntime rt,
      ControlVantage.Health health,
      String what,
      java.util.function.Consumer<Boolean> after) {
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rt.running.set(false);
      after.accept(false);
      return;
    }
    CompletableFuture<Void> probed;
    try {
      probed = probe(w, rt, health);
    } catch (RuntimeException e) {
      probed = CompletableFuture.failedFuture(e);
    }
    probed.whenComplete(
        (done, error) -> {
          if (error != null) {
            LOG.warnf(error, "%s of %s failed", what, w.target());
          }
          inFlight.release();
          rt.running.set(false);
          after.accept(true);
        });
  }

  /**
   * A watch whose latest round disagrees with its state is probed again after {@code
   * detour.verdict.recheck-after} rather than at the next round, as long as it keeps disagreeing:
   * at most as many times as a change takes rounds, so a flapping watch cannot keep itself probed.
   */
  private void recheckIfChanging(WatchSnapshot w, WatchRuntime rt, Duration interval) {
    Duration after = verdictConfig.recheckAfter();
    Tracker t = rt.tracker();
    int most = Math.max(verdictConfig.blockAfter(), verdictConfig.clearAfter()) - 1;
    if (stopping
        || after.isZero()
        || after.isNegative()
        || after.compareTo(interval) >= 0
        || t.pending() == null
        || rt.offline()
        || rt.rechecks >= most
        || runtimes.get(rt.id) != rt) {
      return;
    }
    rt.rechecks++;
    starter.schedule(
        () -> workers.execute(() -> recheck(w, rt, interval)),
        after.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void recheck(WatchSnapshot w, WatchRuntime rt, Duration interval) {
    if (stopping
        || runtimes.get(rt.id) != rt
        || rt.tracker().pending() == null
        || !uplink.status().up()
        || !rt.running.compareAndSet(false, true)) {
      return; // gone, settled, offline, or a round of it is under way
    }
    Counter.builder(Metrics.ROUND_RECHECKS)
        .description("Watches probed again to confirm a change, between rounds")
        .tag("group", w.group())
        .register(registry)
        .increment();
    probeHolding(
        w,
        rt,
        controls.health(),
        "Recheck",
        probed -> {
          if (probed) {
            recheckIfChanging(w, rt, interval);
          }
        });
  }

  /**
   * Whether a round with this verdict would complete a block's {@code block-after} rounds: for a
   * prefix's block ({@code part}) its own tracker, else the watch's.
   */
  private boolean deciding(WatchRuntime rt, String part, Verdict verdict) {
    Tracker t = part == null ? rt.tracker() : rt.blocks().get(part);
    if (t == null || t.state() == verdict.state()) {
      // A first look at a block, or a block already declared (a change of method): look twice.
      return true;
    }
    // The tracker's own rule, tried on a copy (a step changes nothing in place).
    return t.step(verdict, Instant.now(), verdictConfig.blockAfter(), verdictConfig.clearAfter())
            .transition()
        != null;
  }

  /** Counts a round's watches down, and reports the round when the last one is done. */
  private final class RoundClock {
    private final String group;
    // The monotonic clock: a round's length must not change when the wall clock jumps.
    private final long startNanos = System.nanoTime();
    private final Duration interval;
    private final AtomicInteger left;
    final CompletableFuture<Void> over = new CompletableFuture<>();

    RoundClock(String group, Duration interval, int watches) {
      this.group = group;
      this.interval = interval;
      this.left = new AtomicInteger(watches);
    }

    void done() {
      if (left.decrementAndGet() != 0) {
        return;
      }
      over.complete(null);
      Duration took = Duration.ofNanos(System.nanoTime() - startNanos);
      Timer.builder(Metrics.ROUND_DURATION)
          .description("How long a round of a group's watches took")
          .tag("group", group)
          .register(registry)
          .record(took);
      // Registered with the first round, so that "no overruns" reads 0, not nothing.
      overruns(group);
      lastRound.put(group, took.toMillis());
      roundCounts.merge(group, 1L, Long::sum);
      if (took.compareTo(interval) > 0) {
        overrun(
            group,
            "the round took "
                + took.toMillis()
                + " ms, longer than its interval of "
                + interval.toMillis()
                + " ms: lengthen the interval, raise detour.monitor.concurrency or"
                + " detour.probe.packets-per-second, or split the group");
      }
    }
  }

  private void overrun(String group, String why) {
    overruns(group).increment();
    Instant now = Instant.now();
    Instant last = lastOverrunLog.get(group);
    if (last == null || last.plusSeconds(60).isBefore(now)) {
      lastOverrunLog.put(group, now);
      LOG.warnf("Group %s overran its interval: %s", group, why);
    }
  }

  // ------------------------------------------------------------------------------- one watch

  /**
   * One watch's round: probes it and applies the verdict. Raw probes answer on timers, so the
   * future completes later and the verdict is applied on {@link #verdicts}; a prefix's samples are
   * probed by the calling worker.
   */
  private CompletableFuture<Void> probe(
      WatchSnapshot w, WatchRuntime rt, ControlVantage.Health health) {
    Instant at = Instant.now();
    Look look =
        new Look(at, offlineSpells, System.nanoTime(), health.ok(), controls.vantage(), health);
    Set<ProbeKind> kinds = EnumSet.copyOf(w.probes());
    kinds.removeAll(NOT_PER_ADDRESS);
    if (kinds.isEmpty()) {
      kinds.add(ProbeKind.TCP_SYN);
    }
    // Captures are kept for a round that may end in an incident: after a bad round, or a watch
    // not up. A watch's first round keeps none (writing two pcap files for each of 100,000 new
    // watches was a tenth of their cost) unless a single bad round blocks.
    boolean suspicious =
        rt.verdict == null && rt.tracker().state() == WatchState.UNKNOWN
            ? verdictConfig.blockAfter() <= 1
            : rt.tracker().state() != WatchState.UP
                || (rt.verdict != null && rt.verdict.state() != WatchState.UP);
    if (w.kind() == TargetKind.PREFIX) {
      List<AddressEvidence> evidence = prefixRound(w, rt, kinds, look.withControl(), at);
      Set<BlockMethod> methods =
          rt.parts.stream()
              .filter(p -> p.method() != null)
              .map(Part::method)
              .collect(Collectors.toCollection(() -> EnumSet.noneOf(BlockMethod.class)));
      conclude(w, rt, look, null, null, evidence, prefixVerdict(rt), methods);
      return CompletableFuture.completedFuture(null);
    }
    String name = w.kind() == TargetKind.HOST ? w.target() : null;
    DnsAnswers localDns = null;
    DnsAnswers controlDns = null;
    Verdict dnsVerdict = null;
    List<String> addresses;
    if (name != null) {
      localDns = resolveHere(name);
      if (look.withControl()) {
        try {
          controlDns = look.control().resolve(name);
        } catch (IOException e) {
          LOG.debugf("Control cannot resolve %s: %s", name, e.getMessage());
        }
      }
      if (w.probes().contains(ProbeKind.DNS)) {
        dnsVerdict = Verdicts.dns(localDns, controlDns);
      }
      addresses = addresses(localDns, controlDns);
    } else {
      addresses = List.of(w.target());
    }
    List<CompletableFuture<AddressEvidence>> parts = new ArrayList<>();
    for (String address : addresses) {
      parts.add(probeAddress(w, rt, address, null, name, kinds, look.withControl(), suspicious));
    }
    DnsAnswers here = localDns;
    DnsAnswers there = controlDns;
    Verdict dns = dnsVerdict;
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenRunAsync(
            () -> {
              List<AddressEvidence> evidence = parts.stream().map(CompletableFuture::join).toList();
              List<Verdict> verdicts = evidence.stream().map(AddressEvidence::verdict).toList();
              Verdict verdict;
              if (addresses.isEmpty()) {
                if (dns != null) {
                  verdict = dns;
                } else if (here != null
                    && here.answers().stream().noneMatch(DnsEvidence::answered)
                    && there == null) {
                  // A resolver that does not answer says nothing about the site.
                  verdict = Verdict.unknown("this host's resolvers do not answer for " + name);
                } else {
                  verdict =
                      Verdict.down(
                          List.of(name + " resolves to no address, here or from the control"));
                }
              } else {
                verdict = Verdicts.combine(dns, verdicts);
              }
              // A host's addresses each have their part; an address watch's one address is itself.
              rt.parts =
                  name == null
                      ? List.of()
                      : evidence.stream()
                          .map(
                              e ->
                                  new Part(
                                      e.address(),
                                      e.verdict().state(),
                                      e.verdict().method(),
                                      at,
                                      e.address()))
                          .toList();
              conclude(
                  w, rt, look, here, there, evidence, verdict, Verdicts.methods(dns, verdicts));
            },
            verdicts);
  }

  /**
   * How a watch's round began: when, in which offline spell of this vantage, and with which control
   * vantage.
   */
  private record Look(
      Instant at,
      long spell,
      long startedNanos,
      boolean withControl,
      ControlVantage control,
      ControlVantage.Health health) {}

  /** The round's verdict becomes the watch's state, unless the uplink went meanwhile. */
  private void conclude(
      WatchSnapshot w,
      WatchRuntime rt,
      Look look,
      DnsAnswers localDns,
      DnsAnswers controlDns,
      List<AddressEvidence> evidence,
      Verdict found,
      Set<BlockMethod> methods) {
    Verdict verdict = found;
    boolean withControl = look.withControl();
    if (!withControl && !look.control().mode().equals("none")) {
      verdict = verdict.because("control vantage offline (" + look.health().detail() + ")");
    }
    if (verdict.state() != WatchState.UP && vantageOnline) {
      // Before blaming anyone: is the uplink still there? The round's own start check may be long
      // past on a busy machine.
      vantage(uplink.statusSince(look.at()));
    }
    if (look.spell() != offlineSpells || !vantageOnline) {
      // The uplink went down while this watch was being probed: its evidence blames nobody.
      evidence.forEach(this::deleteCaptures);
      return;
    }
    rt.evidence =
        store.pack(
            new RoundEvidence(
                look.at(),
                (System.nanoTime() - look.startedNanos()) / 1_000_000,
                look.control().mode()
                    + (withControl ? "" : " (unavailable: " + look.health().detail() + ")"),
                localDns,
                controlDns,
                evidence,
                verdict));
    rt.controlled = withControl;
    apply(w, rt, verdict, methods, look.at(), evidence);
    rt.latency.record(
        look.at(),
        LatencyHistory.firstAnswer(evidence, true),
        withControl ? LatencyHistory.firstAnswer(evidence, false) : null,
        rt.state());
  }

  /**
   * Probes one address here and through the control vantage at once, and gives its verdict: raw
   * probes wait on timers, not on a thread, so a round's thousands of addresses cost no thread
   * each.
   */
  private CompletableFuture<AddressEvidence> probeAddress(
      WatchSnapshot w,
      WatchRuntime rt,
      String address,
      String part,
      String name,
      Set<ProbeKind> kinds,
      boolean withControl,
      boolean keepCaptures) {
    InetAddress ip;
    try {
      ip = InetAddress.getByName(address);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new AddressEvidence(
              address, part, null, null, Verdict.unknown("unreadable address " + address)));
    }
    CompletableFuture<ProbeService.Run> here =
        probes.start(w.target(), ip, name, w.ports(), kinds, null, keepCaptures);
    CompletableFuture<ProbeService.Run> there =
        !withControl
            ? CompletableFuture.completedFuture(null)
            : ProbeThreads.supply(
                () -> {
                  try {
                    return controls.vantage().probe(w.target(), ip, name, w.ports(), kinds);
                  } catch (IOException | RuntimeException e) {
                    LOG.debugf("Control probe of %s failed: %s", address, e.getMessage());
                    return null;
                  }
                });
    return here.thenCombine(there, Looked::new)
        .thenCompose(
            looked -> {
              ProbeService.Run remote = looked.remote();
              HostTemplate template = rt.template(address);
              Observation abroad = remote == null ? null : new Observation(remote.results());
              Verdict verdict =
                  Verdicts.address(new Observation(looked.local().results()), abroad, template);
              if (withControl && remote == null && verdict.state() != WatchState.UP) {
                // The control answered its health check but not this probe: this round cannot
                // tell a block from a dead site, so it neither counts nor breaks a run.
                Verdict unsure =
                    Verdict.unknown("the control vantage did not answer for " + address);
                for (String reason : verdict.reasons()) {
                  unsure = unsure.because(reason);
                }
                return CompletableFuture.completedFuture(
                    new AddressEvidence(address, part, looked.local(), null, unsure));
              }
              if (verdict.state() == WatchState.BLOCKED
                  && verdict.timeoutsOnly()
                  && deciding(rt, part, verdict)) {
                // Timeouts alone could be a lossy link: before the round that would declare the
                // block, look once more at what timed out. Earlier rounds need no second look —
                // the rounds after them (rechecks, soon) must agree anyway — and without it a
                // black-holed round takes one wait, not two.
                Set<ProbeKind> again = EnumSet.copyOf(recheck(verdict.method()));
                again.retainAll(kinds);
                if (!again.isEmpty()) {
                  Verdict first = verdict;
                  return probes
                      .start(w.target(), ip, name, w.ports(), again, null, true)
                      .handle(
                          (second, error) -> {
                            if (error != null) {
                              LOG.debugf(
                                  "Second look at %s failed: %s", address, error.getMessage());
                              return settle(rt, address, part, looked.local(), remote, first);
                            }
                            ProbeService.Run merged = looked.local().replacing(second);
                            Verdict v =
                                Verdicts.address(
                                    new Observation(merged.results()), abroad, template);
                            if (!v.sameAs(first)) {
                              v = v.because("a first look said " + first.method().label());
                            }
                            return settle(rt, address, part, merged, remote, v);
                          });
                }
              }
              return CompletableFuture.completedFuture(
                  settle(rt, address, part, looked.local(), remote, verdict));
            })
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
              return new AddressEvidence(
                  address,
                  part,
                  null,
                  null,
                  Verdict.unknown("cannot probe: " + cause.getMessage()));
            });
  }

  /** What this host and the control vantage saw of one address. */
  private record Looked(ProbeService.Run local, ProbeService.Run remote) {}

  private static AddressEvidence settle(
      WatchRuntime rt,
      String address,
      String part,
      ProbeService.Run local,
      ProbeService.Run remote,
      Verdict verdict) {
    if (verdict.state() == WatchState.UP) {
      learn(rt, address, local);
    }
    return new AddressEvidence(address, part, local, remote, verdict);
  }

  /** The probes whose timeouts a method rests on, to look at again. */
  private static Set<ProbeKind> recheck(BlockMethod method) {
    return switch (method) {
      case TLS_SNI_BLOCKED -> EnumSet.of(ProbeKind.TLS);
      case HTTP_TAMPERED -> EnumSet.of(ProbeKind.HTTP);
      case ICMP_ONLY_FILTERED -> EnumSet.of(ProbeKind.ICMP);
      default -> EnumSet.of(ProbeKind.TCP_SYN, ProbeKind.TCP_CONNECT, ProbeKind.HTTP);
    };
  }

  /** Remembers how the host's own packets look: its SYN-ACK's and echo replies' hops. */
  private static void learn(WatchRuntime rt, String address, ProbeService.Run local) {
    Observation o = new Observation(local.results());
    int synAckHops = -1;
    int window = -1;
    for (SynEvidence e : o.syn().map(s -> s.syns()).orElse(List.of())) {
      if (e.answer() == SynAnswer.SYN_ACK) {
        synAckHops = Hops.estimate(e.answers().get(0).ttl());
        window = e.answers().get(0).tcp().window();
        break;
      }
    }
    int echoHops = o.icmp().map(i -> i.hops()).orElse(-1);
    if (synAckHops >= 0 || echoHops >= 0) {
      rt.learn(address, rt.template(address).learn(synAckHops, echoHops, window));
    }
  }

  private DnsAnswers resolveHere(String name) {
    return dns.ask(name, DnsProbe.systemResolvers(), null, false);
  }

  /**
   * The addresses to probe for a name: the control's genuine answers first (they are what the site
   * really is), then this host's genuine ones; IPv4 before IPv6 (raw probes speak IPv4).
   */
  private List<String> addresses(DnsAnswers here, DnsAnswers there) {
    Set<String> all = new LinkedHashSet<>();
    if (there != null) {
      all.addAll(Verdicts.addresses(there.answers()));
    }
    if (here != null) {
      all.addAll(Verdicts.addresses(here.answers()));
    }
    return all.stream()
        .sorted(Comparator.comparing((String a) -> a.contains(":")))
        .limit(config.maxAddresses())
        .toList();
  }

  // ------------------------------------------------------------------------------- prefixes

  private List<AddressEvidence> prefixRound(
      WatchSnapshot w, WatchRuntime rt, Set<ProbeKind> kinds, boolean withControl, Instant at) {
    List<PrefixSampler.Sample> samples =
        PrefixSampler.sample(
            w.target(),
            rt.round++,
            config.prefixSamplesPer24(),
            config.prefixMaxBlocks(),
            rt.responsive());
    List<AddressEvidence> all = new ArrayList<>();
    for (int from = 0; from < samples.size(); from += PREFIX_PARALLEL) {
      List<CompletableFuture<AddressEvidence>> parts = new ArrayList<>();
      for (PrefixSampler.Sample s :
          samples.subList(from, Math.min(samples.size(), from + PREFIX_PARALLEL))) {
        Tracker block = rt.blocks().get(s.block());
        boolean keep = block != null && block.state() != WatchState.UP;
        parts.add(probeAddress(w, rt, s.address(), s.block(), null, kinds, withControl, keep));
      }
      parts.forEach(part -> all.add(part.join()));
    }
    Map<String, List<AddressEvidence>> byBlock = new LinkedHashMap<>();
    for (AddressEvidence e : all) {
      byBlock.computeIfAbsent(e.part(), b -> new ArrayList<>()).add(e);
    }
    Map<String, String> lastAddress = new HashMap<>();
    byBlock.forEach(
        (block, evidence) -> {
          Verdict v =
              Verdicts.combine(null, evidence.stream().map(AddressEvidence::verdict).toList());
          Tracker t = rt.blocks().getOrDefault(block, Tracker.unknown(at));
          rt.blocks()
              .put(
                  block,
                  t.step(v, at, verdictConfig.blockAfter(), verdictConfig.clearAfter()).tracker());
          for (AddressEvidence e : evidence) {
            lastAddress.put(block, e.address());
            WatchState s = e.verdict().state();
            if (s == WatchState.UP || s == WatchState.BLOCKED) {
              rt.responsive().put(block, e.address());
            } else if (e.address().equals(rt.responsive().get(block))) {
              rt.responsive().remove(block);
            }
          }
        });
    rt.parts = rt.blockParts(lastAddress);
    // Keep the evidence of blocked samples first, and a few others; the rest's pcap files go now.
    List<AddressEvidence> sorted =
        all.stream()
            .sorted(Comparator.comparing(e -> e.verdict().state() != WatchState.BLOCKED))
            .toList();
    sorted.stream().skip(KEPT_SAMPLES).forEach(this::deleteCaptures);
    return sorted.stream().limit(KEPT_SAMPLES).toList();
  }

  /** A prefix's verdict from its blocks' states (each already through its own hysteresis). */
  private static Verdict prefixVerdict(WatchRuntime rt) {
    Map<WatchState, List<Part>> byState =
        rt.parts.stream().collect(Collectors.groupingBy(Part::state));
    int total = rt.parts.size();
    List<Part> blocked = byState.getOrDefault(WatchState.BLOCKED, List.of());
    if (!blocked.isEmpty()) {
      Map<BlockMethod, Long> counts =
          blocked.stream()
              .collect(
                  Collectors.groupingBy(
                      Part::method, () -> new EnumMap<>(BlockMethod.class), Collectors.counting()));
      BlockMethod method =
          counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      List<String> reasons = new ArrayList<>();
      reasons.add(
          blocked.size()
              + " of "
              + total
              + " blocks probed are blocked ("
              + counts.entrySet().stream()
                  .map(e -> e.getValue() + " " + e.getKey().label())
                  .collect(Collectors.joining(", "))
              + ")");
      blocked.stream().limit(5).forEach(p -> reasons.add(p.part() + ": " + p.method().label()));
      return Verdict.blocked(method, 0.9, reasons, false);
    }
    int up = byState.getOrDefault(WatchState.UP, List.of()).size();
    if (up > 0) {
      return Verdict.up(List.of(up + " of " + total + " blocks probed answer"));
    }
    if (byState.getOrDefault(WatchState.DOWN, List.of()).size() == total && total > 0) {
      return Verdict.down(List.of("no address sampled in " + total + " blocks answers"));
    }
    return Verdict.unknown("not enough rounds yet");
  }

  // ------------------------------------------------------------------------------- results

  private void apply(
      WatchSnapshot w,
      WatchRuntime rt,
      Verdict verdict,
      Set<BlockMethod> methods,
      Instant at,
      List<AddressEvidence> evidence) {
    int blockAfter = w.kind() == TargetKind.PREFIX ? 1 : verdictConfig.blockAfter();
    int clearAfter = w.kind() == TargetKind.PREFIX ? 1 : verdictConfig.clearAfter();
    Tracker before = rt.tracker();
    Tracker.Step step = before.step(verdict, at, blockAfter, clearAfter);
    rt.tracker(step.tracker());
    rt.verdict = verdict;
    rt.methods = rt.tracker().state() == WatchState.BLOCKED ? Set.copyOf(methods) : Set.of();
    // A series per method the watch is blocked by (registering again is a lookup).
    rt.methods.forEach(m -> meters.method(rt, m));
    rt.checkedAt = at;
    Verdict pending = rt.tracker().pending();
    rt.pendingDigest =
        pending == null
            ? 0
            : java.util.Objects.hash(
                pending.state(),
                pending.method(),
                rt.tracker().pendingRounds(),
                rt.tracker().pendingSince());
    rt.digest =
        java.util.Objects.hash(
            rt.tracker().state(),
            rt.tracker().method(),
            rt.tracker().since(),
            rt.methods,
            verdict.reasons(),
            rt.parts.stream().map(p -> p.part() + p.state() + p.method()).toList(),
            rt.offline());
    // The checked time alone is written now and then: rewriting every watch's row every round
    // was most of the database's work, and its size, at 100,000 watches.
    if (rt.digest != rt.storedDigest
        || rt.storedAt == null
        || !at.isBefore(rt.storedAt.plus(STORE_UNCHANGED_EVERY))) {
      rt.dirty = true;
    }
    List<String> runs =
        evidence.stream()
            .map(AddressEvidence::local)
            .filter(r -> r != null && r.id() != null)
            .map(ProbeService.Run::id)
            .toList();
    String kept = null;
    Tracker.Transition t = step.transition();
    if (t != null) {
      kept =
          evidence.stream()
              .filter(e -> e.local() != null && e.local().id() != null)
              .sorted(Comparator.comparing(e -> e.verdict().state() != t.to().state()))
              .map(e -> e.local().id())
              .findFirst()
              .orElse(null);
      if (t.to().state() != WatchState.BLOCKED) {
        rt.censor = null;
      }
      boolean firstSeenUp = t.from() == WatchState.UNKNOWN && t.to().state() == WatchState.UP;
      if (firstSeenUp) {
        // Tells nothing worth an incident or a sync: the next flush stores it with the others,
        // in one transaction rather than one per watch (a first round of 100,000 watches).
        rt.dirty = true;
        LOG.debugf("%s: unknown → up", w.target());
        deleteCaptures(rt, runs, null);
        return;
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
        return;
      }
      rt.stored();
      changed.fire(
          new WatchStateChanged(
              rt.id, rt.target, rt.group, t.from(), t.to().state(), t.to().method(), at, incident));
      LOG.infof(
          "%s: %s → %s%s after %d rounds",
          w.target(),
          t.from().label(),
          t.to().state().label(),
          t.to().method() == null ? "" : " (" + t.to().method().label() + ")",
          t.rounds());
      if (t.to().state() == WatchState.BLOCKED) {
        Timer.builder(Metrics.DETECTION_LATENCY)
            .description("From the first bad round to the blocked verdict")
            .serviceLevelObjectives(DETECTION_BUCKETS)
            .register(registry)
            .record(Duration.between(t.firstBadAt(), at));
        if (incident != null) {
          mass.blocked(t.to().method(), incident, at);
          if (TRACEABLE.contains(t.to().method())) {
            locate(w, rt, incident, evidence);
          }
        }
      }
    }
    deleteCaptures(rt, runs, kept);
  }

  /**
   * Keeps the pcap files of a suspicious round until the next ({@code runs}); those of an incident
   * ({@code kept}) for good.
   */
  private void deleteCaptures(WatchRuntime rt, List<String> runs, String kept) {
    for (String old : rt.captures) {
      delete(old);
    }
    rt.captures = runs.stream().filter(id -> !id.equals(kept)).toList();
  }

  /** Runs the censor-location trace for the first blocked address, off the round. */
  private void locate(
      WatchSnapshot w, WatchRuntime rt, long incident, List<AddressEvidence> evidence) {
    String address =
        evidence.stream()
            .filter(e -> e.verdict().state() == WatchState.BLOCKED)
            .map(AddressEvidence::address)
            .findFirst()
            .orElse(null);
    if (address == null || address.contains(":")) {
      return;
    }
    workers.execute(
        () -> {
          try {
            InetAddress ip = InetAddress.getByName(address);
            ProbeService.Run run =
                probes.probe(
                    w.target(),
                    ip,
                    w.kind() == TargetKind.HOST ? w.target() : null,
                    w.ports(),
                    EnumSet.of(ProbeKind.TRACE),
                    null,
                    false);
            CensorLocation found =
                run.results().stream()
                    .filter(r -> r.evidence() instanceof CensorTraces)
                    .flatMap(r -> ((CensorTraces) r.evidence()).traces().stream())
                    .filter(l -> l.censorHop() > 0)
                    .findFirst()
                    .orElse(null);
            if (found != null && rt.tracker().state() == WatchState.BLOCKED) {
              rt.censor = found;
              store.censor(rt.id, incident, found);
              LOG.infof(
                  "%s: censor at hop %d (%s)", w.target(), found.censorHop(), found.censorRouter());
            }
          } catch (IOException | RuntimeException e) {
            LOG.debugf("Censor location of %s failed: %s", address, e.getMessage());
          }
        });
  }

  private void deleteCaptures(AddressEvidence e) {
    if (e.local() != null && e.local().id() != null) {
      delete(e.local().id());
    }
  }

  private void delete(String run) {
    Path dir = dataDir.resolve("captures").resolve(run);
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : files.toList()) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      LOG.debugf("Cannot delete captures %s: %s", dir, e.getMessage());
    }
  }

  // ------------------------------------------------------------------------------- vantages

  private synchronized void vantage(Uplink.Status up) {
    vantageDetail = up.detail();
    if (up.up() == vantageOnline) {
      return;
    }
    vantageOnline = up.up();
    if (!up.up()) {
      offlineSpells++;
      // Every watch shows unknown now, not when its group's next round starts.
      runtimes
          .values()
          .forEach(
              rt -> {
                rt.offline(true);
                rt.dirty = true;
              });
    }
    if (up.up()) {
      LOG.infof("This vantage is online again: %s", up.detail());
      incidents.event(Incident.Kind.VANTAGE_ONLINE, "uplink back: " + up.detail());
    } else {
      LOG.warnf(
          "This vantage is offline (%s): every watch is unknown, nobody is blamed", up.detail());
      incidents.event(
          Incident.Kind.VANTAGE_OFFLINE,
          "uplink down: " + up.detail() + " — every watch unknown until it is back");
    }
  }

  private Counter overruns(String group) {
    return Counter.builder(Metrics.ROUND_OVERRUNS)
        .description("Rounds (or watches in them) that could not finish within the interval")
        .tag("group", group)
        .register(registry);
  }

  private synchronized void control(ControlVantage.Health health) {
    if (controls.vantage().mode().equals("none")) {
      controlOnline = false;
      return;
    }
    if (controlOnline != null && controlOnline == health.ok()) {
      return;
    }
    boolean first = controlOnline == null;
    controlOnline = health.ok();
    if (health.ok()) {
      if (!first) {
        incidents.event(Incident.Kind.CONTROL_ONLINE, "control vantage back: " + health.detail());
      }
    } else {
      LOG.warnf("Control vantage offline: %s; verdicts rest on signatures alone", health.detail());
      incidents.event(
          Incident.Kind.CONTROL_OFFLINE,
          "control vantage offline: " + health.detail() + " — only signatures count meanwhile");
    }
  }

  // ------------------------------------------------------------------------------- state

  private WatchRuntime runtime(WatchSnapshot w) {
    WatchRuntime rt =
        runtimes.computeIfAbsent(
            w.id(),
            id -> {
              return new WatchRuntime(id, w.target(), w.group(), Tracker.unknown(Instant.now()));
            });
    rt.groupId = w.groupId();
    if (!rt.target.equals(w.target()) || !rt.group.equals(w.group())) {
      rt.target = w.target();
      rt.group(w.group());
    }
    return rt;
  }

  /** A watch deleted, disabled or moved away: its state and meters go. */
  void forget(long id) {
    WatchRuntime rt = runtimes.remove(id);
    if (rt != null) {
      WatchRuntime.SHOWN.incrementAndGet();
      rt.captures.forEach(this::delete);
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

  // ------------------------------------------------------------------------------- reading

  /** The live state of a watch, or null when it has not been probed since this start. */
  public WatchRuntimeView view(long id) {
    WatchRuntime rt = runtimes.get(id);
    return rt == null ? null : rt.view(store);
  }

  /** The latency history of a watch since this start, oldest first (empty before its rounds). */
  public List<LatencySample> latency(long id) {
    WatchRuntime rt = runtimes.get(id);
    return rt == null ? List.of() : rt.latency.samples();
  }

  /** Live states of these watches (those probed so far), without their evidence. */
  public Map<Long, WatchRuntimeView> views(Collection<Long> ids) {
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
  public List<Standing> standings() {
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

  /** How many watches of each group are in each state, as of their latest rounds. */
  public Map<String, Map<WatchState, Long>> statesByGroup() {
    // Counted in plain arrays, and counted again only when a state has moved: the overview page
    // and its live updates ask often, and at 100,000 watches a count was a tenth of the CPU.
    long shown = WatchRuntime.SHOWN.get();
    Counted counted = this.counted;
    if (counted.shown() == shown) {
      return counted.byGroup();
    }
    Map<String, long[]> counts = new HashMap<>();
    long[] total = new long[WatchState.values().length];
    for (WatchRuntime rt : runtimes.values()) {
      int state = rt.state().ordinal();
      total[state]++;
      String group = rt.group;
      if (group != null) {
        counts.computeIfAbsent(group, g -> new long[WatchState.values().length])[state]++;
      }
    }
    Map<String, Map<WatchState, Long>> all = new java.util.TreeMap<>();
    counts.forEach((group, n) -> all.put(group, states(n, false)));
    Map<String, Map<WatchState, Long>> byGroup = java.util.Collections.unmodifiableMap(all);
    this.counted = new Counted(shown, byGroup, states(total, true));
    return byGroup;
  }

  /** Counts of every watch by group and state, as of {@link WatchRuntime#SHOWN}'s value. */
  private record Counted(
      long shown, Map<String, Map<WatchState, Long>> byGroup, Map<WatchState, Long> total) {}

  private volatile Counted counted = new Counted(-1, Map.of(), Map.of());

  /** Counts by state; with {@code zeros}, states no watch is in too. */
  private static Map<WatchState, Long> states(long[] n, boolean zeros) {
    Map<WatchState, Long> states = new EnumMap<>(WatchState.class);
    for (WatchState s : WatchState.values()) {
      if (zeros || n[s.ordinal()] > 0) {
        states.put(s, n[s.ordinal()]);
      }
    }
    return states;
  }

  /** The vantages' health and the rounds' pace, for the API. */
  public MonitorView overview() {
    statesByGroup();
    Map<WatchState, Long> counts = counted.total();
    return new MonitorView(
        node.id(),
        config.enabled(),
        vantageOnline,
        vantageDetail,
        controls.vantage().mode(),
        Boolean.TRUE.equals(controlOnline),
        controls.lastHealth().detail(),
        counts,
        Map.copyOf(lastRound),
        Map.copyOf(roundCounts),
        config.concurrency() - inFlight.availablePermits(),
        workers.getQueue().size());
  }
}
