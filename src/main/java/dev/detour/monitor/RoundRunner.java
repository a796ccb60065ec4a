package dev.detour.monitor;

import dev.detour.cluster.Node;
import dev.detour.cluster.Rounds;
import dev.detour.control.ControlVantage;
import dev.detour.metrics.Metrics;
import dev.detour.verdict.Rechecks;
import dev.detour.verdict.VerdictConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The rounds: each round of a group, handed over by its Quartz job on one node of the cluster,
 * probes every enabled watch — spread over the first half of the interval, each watch on its own so
 * a slow or dead target delays nobody, at most {@code detour.monitor.concurrency} at once — and
 * waits until all are done. Before anything, the uplink is checked: with it down every watch is
 * unknown and nobody is blamed. A watch whose round disagrees with its state is probed again soon
 * (a recheck) rather than an interval later.
 */
@ApplicationScoped
public class RoundRunner {

  private static final Logger LOG = Logger.getLogger(RoundRunner.class);

  /**
   * Threads that start watches: a watch in flight holds a place ({@link #inFlight}), not a thread,
   * so thousands in flight need no more.
   */
  private static final int MAX_WORKERS = 64;

  /** What a recheck is called in the log, and how {@link #holding} tells one from a round. */
  private static final String RECHECK = "Recheck";

  private final WatchRound watchRound;
  private final WatchStateStore states;
  private final Vantages vantages;
  private final MonitoredWatches watches;
  private final Rounds rounds;
  private final Node node;
  private final MeterRegistry registry;
  private final MonitorConfig monitor;
  private final VerdictConfig verdict;
  private final UplinkConfig uplink;

  /** Starts watches, and probes prefixes' samples and resolves hosts. */
  private final ThreadPoolExecutor workers;

  /** Watches probed at the same time at most ({@code detour.monitor.concurrency}). */
  private final Semaphore inFlight;

  private final ScheduledExecutorService starter;
  private final Map<String, Instant> lastOverrunLog = new ConcurrentHashMap<>();
  private final Map<String, Long> lastRound = new ConcurrentHashMap<>();
  private final Map<String, Long> roundCounts = new ConcurrentHashMap<>();
  private volatile boolean stopping;

  /** Rechecks scheduled and not yet begun. */
  private final AtomicInteger rechecking = new AtomicInteger();

  public RoundRunner(
      WatchRound watchRound,
      WatchStateStore states,
      Vantages vantages,
      MonitoredWatches watches,
      Rounds rounds,
      Node node,
      MeterRegistry registry,
      MonitorConfig monitor,
      VerdictConfig verdict,
      UplinkConfig uplink) {
    this.watchRound = watchRound;
    this.states = states;
    this.vantages = vantages;
    this.watches = watches;
    this.rounds = rounds;
    this.node = node;
    this.registry = registry;
    this.monitor = monitor;
    this.verdict = verdict;
    this.uplink = uplink;
    AtomicInteger count = new AtomicInteger();
    // Workers start watches and wait only where a probe cannot: a host's DNS, a prefix's samples.
    int starters = Math.min(monitor.concurrency(), MAX_WORKERS);
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
            },
            // Stopping: a watch not started yet is not started, quietly.
            new ThreadPoolExecutor.DiscardPolicy());
    this.workers.allowCoreThreadTimeOut(true);
    this.inFlight = new Semaphore(monitor.concurrency());
    ScheduledThreadPoolExecutor timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "detour-round-starter");
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.DiscardPolicy());
    this.starter = Executors.unconfigurableScheduledExecutorService(timer);
  }

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
    starter.shutdownNow();
    workers.shutdownNow();
  }

  /**
   * One round of a group, called by its Quartz job every interval on one node of the cluster:
   * returns when every watch of the round is done (or after three intervals, for a round that
   * hangs). When the group's previous round ran on another node, the group's state is read from the
   * database first; the round's changes are written before it returns, for whichever node runs the
   * next.
   */
  public void round(MonitoredWatches.GroupPlan plan, Instant scheduledAt, boolean recovered) {
    if (stopping) {
      return;
    }
    states.load();
    List<WatchSnapshot> list = watches.watches(plan.id());
    Rounds.Begun begun = rounds.begin(plan.id(), node.id(), scheduledAt, recovered);
    states.roundBegins(plan.id(), begun.previous());
    int probed = 0;
    try {
      Started started = start(plan, list);
      probed = started.watches();
      waitFor(plan, started.over());
    } finally {
      try {
        // Hysteresis under way is written now, for whichever node runs the next round; the rest
        // (checked times, a watch's first "up") goes with the periodic flush, as on one node.
        states.roundEnded(plan.id(), begun.id());
        rounds.finish(begun.id(), probed);
        lookForAllowlist();
      } catch (RuntimeException e) {
        if (!stopping) {
          throw e;
        }
        LOG.debugf("Group %s: the round's end is not written while stopping: %s", plan.name(), e);
      }
    }
  }

  /** Allowlist mode is looked for after each round; a failure there never fails the round. */
  private void lookForAllowlist() {
    try {
      states.lookForAllowlist(vantages.controlOnline());
    } catch (RuntimeException e) {
      LOG.warnf(e, "Could not look for the ISP's allowlist mode; looking again next round");
    }
  }

  private void waitFor(MonitoredWatches.GroupPlan plan, CompletableFuture<Void> over) {
    long waitMillis = Math.max(60_000, plan.intervalSeconds() * 3000);
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis);
    long checked = System.nanoTime();
    long checkEvery = Math.max(1, uplink.checkEvery().toNanos());
    while (!over.isDone() && !stopping) {
      if (System.nanoTime() - checked >= checkEvery) {
        // A round whose targets hang (an uplink gone dead takes every probe to its timeout) still
        // notices the uplink going: every watch shows unknown now, not after the round.
        checked = System.nanoTime();
        vantages.checkUplink();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        overrun(plan.name(), "the round is still running after " + waitMillis + " ms");
        return;
      }
      try {
        over.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)), TimeUnit.NANOSECONDS);
      } catch (TimeoutException notYet) {
        // Looked again in half a second: a stopping service does not wait for the round.
      } catch (ExecutionException e) {
        LOG.warnf(e.getCause(), "Round of group %s failed", plan.name());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A round under way: how many watches it probes, and when it is over. */
  private record Started(int watches, CompletableFuture<Void> over) {
    static Started none() {
      return new Started(0, CompletableFuture.completedFuture(null));
    }
  }

  private Started start(MonitoredWatches.GroupPlan plan, List<WatchSnapshot> list) {
    Duration interval = Duration.ofSeconds(plan.intervalSeconds());
    if (list == null) {
      return Started.none();
    }
    states.forgetAllBut(
        plan.id(), list.stream().map(WatchSnapshot::id).collect(Collectors.toSet()));
    if (list.isEmpty()) {
      return Started.none();
    }
    Uplink.Status up = vantages.checkUplink();
    for (WatchSnapshot w : list) {
      WatchRuntime rt = states.runtime(w);
      if (rt.offline() != !up.up()) {
        // Offline every watch shows unknown; back online each shows its state again, as it was.
        rt.offline(!up.up());
        rt.dirty = true;
      }
    }
    if (!up.up()) {
      return Started.none();
    }
    ControlVantage.Health health = vantages.checkControl();
    RoundClock clock = new RoundClock(plan.name(), interval, list.size());
    // Spread the watches' starts, no wider than half the interval: the packet budget paces the
    // packets themselves, the spread keeps a big group from queueing all at once.
    long spread = Math.min(interval.toMillis() / 2, list.size() * 10L);
    for (int i = 0; i < list.size(); i++) {
      WatchSnapshot w = list.get(i);
      WatchRuntime rt = states.runtime(w);
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
          () -> workers.execute(() -> inRound(w, rt, health, clock)), delay, TimeUnit.MILLISECONDS);
    }
    return new Started(list.size(), clock.over);
  }

  /** Probes one watch of a round, then counts the round down and maybe rechecks the watch. */
  private void inRound(
      WatchSnapshot w, WatchRuntime rt, ControlVantage.Health health, RoundClock clock) {
    holding(
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
  private void holding(
      WatchSnapshot w,
      WatchRuntime rt,
      ControlVantage.Health health,
      String what,
      Consumer<Boolean> after) {
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
      probed = watchRound.run(w, rt, health, what.equals(RECHECK));
    } catch (RuntimeException e) {
      probed = CompletableFuture.failedFuture(e);
    }
    probed.whenComplete(
        (done, error) -> {
          if (error != null && !stopping) {
            LOG.warnf(error, "%s of %s failed", what, w.target());
          }
          rt.running.set(false);
          // The place goes last: while it is held, what follows the watch (a recheck) is known.
          try {
            after.accept(true);
          } finally {
            inFlight.release();
          }
        });
  }

  /**
   * A watch whose latest round disagrees with its state is probed again after {@code
   * detour.verdict.recheck-after} rather than at the next round, as long as it keeps disagreeing.
   */
  private void recheckIfChanging(WatchSnapshot w, WatchRuntime rt, Duration interval) {
    if (stopping
        || !states.current(rt)
        || !Rechecks.recheck(
            verdict.recheckAfter(),
            interval,
            rt.tracker(),
            rt.offline(),
            rt.rechecks,
            verdict.blockAfter(),
            verdict.clearAfter())) {
      return;
    }
    rt.rechecks++;
    rechecking.incrementAndGet();
    starter.schedule(
        () ->
            workers.execute(
                () -> {
                  rechecking.decrementAndGet();
                  recheck(w, rt, interval);
                }),
        verdict.recheckAfter().toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void recheck(WatchSnapshot w, WatchRuntime rt, Duration interval) {
    if (stopping
        || !states.current(rt)
        || rt.tracker().pending() == null
        || !vantages.checkUplink().up()
        || !rt.running.compareAndSet(false, true)) {
      return; // gone, settled, offline, or a round of it is under way
    }
    Counter.builder(Metrics.ROUND_RECHECKS)
        .description("Watches probed again to confirm a change, between rounds")
        .tag("group", w.group())
        .register(registry)
        .increment();
    holding(
        w,
        rt,
        vantages.checkControl(),
        RECHECK,
        probed -> {
          if (probed) {
            recheckIfChanging(w, rt, interval);
          }
        });
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

  private Counter overruns(String group) {
    return Counter.builder(Metrics.ROUND_OVERRUNS)
        .description("Rounds (or watches in them) that could not finish within the interval")
        .tag("group", group)
        .register(registry);
  }

  /** How the rounds go: per group, the last round's length and the rounds run since start. */
  record Pace(
      Map<String, Long> lastRoundMillis,
      Map<String, Long> rounds,
      int probing,
      int queued,
      int rechecking) {}

  Pace pace() {
    return new Pace(
        Map.copyOf(lastRound),
        Map.copyOf(roundCounts),
        monitor.concurrency() - inFlight.availablePermits(),
        workers.getQueue().size(),
        rechecking.get());
  }

  /** Groups that no longer exist: their watches are forgotten. */
  void forgetGroupsExcept(Set<Long> groups) {
    states.forgetGroupsExcept(groups);
  }
}
