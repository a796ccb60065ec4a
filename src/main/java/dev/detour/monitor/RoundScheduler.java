package dev.detour.monitor;

import dev.detour.cluster.Node;
import dev.detour.cluster.Rounds;
import dev.detour.system.Periodic;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.TriggerKey;
import org.quartz.impl.matchers.GroupMatcher;

/**
 * Keeps one Quartz job per group in the job store the nodes share, firing a round every group
 * interval ({@code intervalSeconds} of the group, else {@code detour.probe.interval}): a new group
 * gets its job within seconds, a changed interval or name a new one, a deleted group loses its job
 * and its watches' state. Every node plans (the store makes it idempotent); Quartz runs each round
 * on one node.
 */
@ApplicationScoped
public class RoundScheduler {

  private static final Logger LOG = Logger.getLogger(RoundScheduler.class);

  /** The Quartz job group of the rounds; each job is named by its group's id. */
  static final String JOBS = "detour-rounds";

  private static final long MAX_JITTER_MILLIS = 2000;

  private final Scheduler quartz;
  private final WatchStateStore monitor;
  private final MonitoredWatches watches;
  private final MonitorConfig config;
  private final Rounds rounds;
  private final Node node;

  /** Groups this node has seen since it started. */
  private final Set<Long> caughtUp = ConcurrentHashMap.newKeySet();

  public RoundScheduler(
      Scheduler quartz,
      WatchStateStore monitor,
      MonitoredWatches watches,
      MonitorConfig config,
      Rounds rounds,
      Node node) {
    this.rounds = rounds;
    this.node = node;
    this.quartz = quartz;
    this.monitor = monitor;
    this.watches = watches;
    this.config = config;
  }

  /**
   * Plans once as soon as the service has started, off the start-up thread: the planner's own ticks
   * begin only after its first interval, which was most of the time from start to the first round.
   */
  void onStart(@Observes StartupEvent event, Periodic periodic) throws SchedulerException {
    if (!config.enabled()) {
      // Rounds stored by an earlier start (or by the cluster's other nodes) would still fire here:
      // this node takes none, and the others take them all.
      quartz.standby();
      LOG.info("Monitoring is off (detour.monitor.enabled=false): this node runs no rounds");
    }
    periodic.every(
        "detour-round-planner",
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        () -> {
          try {
            plan();
          } catch (SchedulerException e) {
            throw new IllegalStateException("the round plan failed", e);
          }
        });
    periodic.every(
        "detour-status-flush", Duration.ofSeconds(10), Duration.ofSeconds(10), this::flush);
    Thread first =
        new Thread(
            () -> {
              try {
                plan();
              } catch (SchedulerException | RuntimeException e) {
                LOG.warnf(e, "The first round plan failed; the planner tries again within 5 s");
              }
            },
            "detour-first-plan");
    first.setDaemon(true);
    first.start();
  }

  /** Every 5 s ({@link Periodic}: the monotonic clock), and once at start. */
  synchronized void plan() throws SchedulerException {
    if (!config.enabled()) {
      return;
    }
    Map<Long, MonitoredWatches.GroupPlan> groups =
        watches.groups().stream().collect(Collectors.toMap(MonitoredWatches.GroupPlan::id, g -> g));
    for (MonitoredWatches.GroupPlan plan : groups.values()) {
      JobKey key = JobKey.jobKey(Long.toString(plan.id()), JOBS);
      JobDetail stored = quartz.getJobDetail(key);
      if (stored != null && plan.equals(planOf(stored))) {
        catchUp(plan, key);
        realign(plan, key);
        continue;
      }
      caughtUp.add(plan.id());
      JobDetail job =
          JobBuilder.newJob(RoundJob.class)
              .withIdentity(key)
              .withDescription("rounds of group " + plan.name())
              // The job store keeps strings only.
              .usingJobData(RoundJob.GROUP, Long.toString(plan.id()))
              .usingJobData(RoundJob.NAME, plan.name())
              .usingJobData(RoundJob.INTERVAL, Long.toString(plan.intervalSeconds()))
              .requestRecovery()
              .build();
      quartz.scheduleJob(job, Set.of(trigger(plan, key)), true);
      LOG.infof("Group %s: a round every %d s", plan.name(), plan.intervalSeconds());
    }
    for (JobKey key : quartz.getJobKeys(GroupMatcher.jobGroupEquals(JOBS))) {
      if (!groups.containsKey(Long.parseLong(key.getName()))) {
        quartz.deleteJob(key);
      }
    }
    monitor.forgetGroupsExcept(groups.keySet());
  }

  /**
   * Rounds every interval from a moment a little after now. Each group starts a little late at
   * random (a tenth of the interval, at most {@value #MAX_JITTER_MILLIS} ms), so groups with one
   * interval do not all send their packets in the same second.
   */
  private static Trigger trigger(MonitoredWatches.GroupPlan plan, JobKey key) {
    long jitterMillis =
        ThreadLocalRandom.current()
            .nextLong(1 + Math.min(MAX_JITTER_MILLIS, plan.intervalSeconds() * 100));
    return trigger(plan, key, jitterMillis);
  }

  private static Trigger trigger(MonitoredWatches.GroupPlan plan, JobKey key, long inMillis) {
    return TriggerBuilder.newTrigger()
        .withIdentity(key.getName(), JOBS)
        .forJob(key)
        .startAt(new Date(System.currentTimeMillis() + inMillis))
        .withSchedule(
            SimpleScheduleBuilder.simpleSchedule()
                .withIntervalInSeconds((int) Math.min(Integer.MAX_VALUE, plan.intervalSeconds()))
                .repeatForever()
                // A round still running when the next is due: that one is skipped.
                .withMisfireHandlingInstructionNextWithRemainingCount())
        .build();
  }

  /**
   * Quartz keeps its schedule in wall-clock time. When the clock goes back — NTP correcting a box
   * that booted with a wrong date, a hand-set clock — a group's next round lies as far ahead as the
   * clock went back, and its rounds would stop for that long. A next round further away than an
   * interval (and the start's jitter) can mean only that: the schedule starts again from now. (A
   * clock that jumps forward needs nothing: the rounds it skipped are misfires, and the next comes
   * on schedule.)
   */
  private void realign(MonitoredWatches.GroupPlan plan, JobKey key) throws SchedulerException {
    Trigger trigger = quartz.getTrigger(TriggerKey.triggerKey(key.getName(), JOBS));
    Date next = trigger == null ? null : trigger.getNextFireTime();
    if (next == null) {
      return;
    }
    long aheadMillis = next.getTime() - System.currentTimeMillis();
    if (aheadMillis > plan.intervalSeconds() * 1000 + MAX_JITTER_MILLIS + 1000) {
      LOG.warnf(
          "Group %s: its next round was %d s away with rounds every %d s — the clock went back;"
              + " the rounds start again from now",
          plan.name(), aheadMillis / 1000, plan.intervalSeconds());
      quartz.rescheduleJob(trigger.getKey(), trigger(plan, key));
    }
  }

  /**
   * The first time this node sees a group whose job it did not make (a restart): when no node has
   * run a round of it for longer than its interval, one runs now rather than at the schedule's next
   * slot, up to an interval away. When the latest round was this node's own, this node restarted:
   * what it knew between rounds (hysteresis, latency, the evidence shown) went with the process, so
   * the rounds start again from now rather than an interval of stale state later. A node joining a
   * running cluster finds another node's recent round and waits.
   */
  private void catchUp(MonitoredWatches.GroupPlan plan, JobKey key) throws SchedulerException {
    if (!caughtUp.add(plan.id())) {
      return;
    }
    Trigger trigger = quartz.getTrigger(TriggerKey.triggerKey(key.getName(), JOBS));
    if (trigger == null) {
      return;
    }
    Rounds.Summary latest = rounds.latest(plan.id());
    if (latest != null && node.id().equals(latest.node())) {
      LOG.infof(
          "Group %s: this node restarted %d s after its latest round; the rounds start again now",
          plan.name(), Duration.between(latest.startedAt(), Instant.now()).toSeconds());
      quartz.rescheduleJob(trigger.getKey(), trigger(plan, key, 0));
      return;
    }
    Instant due = Instant.now().minusSeconds(plan.intervalSeconds());
    if (trigger.getStartTime().toInstant().isAfter(due)) {
      return; // a schedule just made: its first round is on its way
    }
    if (latest == null || latest.startedAt().isBefore(due)) {
      LOG.infof("Group %s: no round for over an interval; one now", plan.name());
      quartz.triggerJob(key);
    }
  }

  private static MonitoredWatches.GroupPlan planOf(JobDetail job) {
    try {
      return RoundJob.plan(job.getJobDataMap());
    } catch (RuntimeException unreadable) {
      return null;
    }
  }

  /** Every 10 s. */
  void flush() {
    if (config.enabled()) {
      monitor.flush();
      // Groups whose rounds ran on another node: their state here is read again.
      monitor.adoptOthers();
    }
  }
}
