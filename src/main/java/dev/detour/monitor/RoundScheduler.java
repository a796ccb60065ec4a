package dev.detour.monitor;

import dev.detour.DetourConfig;
import dev.detour.cluster.Rounds;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
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

  private final Scheduler quartz;
  private final Monitor monitor;
  private final MonitoredWatches watches;
  private final DetourConfig config;
  private final Rounds rounds;

  /** Groups this node has seen since it started. */
  private final Set<Long> caughtUp = ConcurrentHashMap.newKeySet();

  public RoundScheduler(
      Scheduler quartz,
      Monitor monitor,
      MonitoredWatches watches,
      DetourConfig config,
      Rounds rounds) {
    this.rounds = rounds;
    this.quartz = quartz;
    this.monitor = monitor;
    this.watches = watches;
    this.config = config;
  }

  /**
   * Plans once as soon as the service has started, off the start-up thread: the planner's own ticks
   * begin only after its first interval, which was most of the time from start to the first round.
   */
  void onStart(@Observes StartupEvent event) {
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

  @Scheduled(
      every = "5s",
      identity = "detour-round-planner",
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  synchronized void plan() throws SchedulerException {
    if (!config.monitor().enabled()) {
      return;
    }
    Map<Long, MonitoredWatches.GroupPlan> groups =
        watches.groups().stream().collect(Collectors.toMap(MonitoredWatches.GroupPlan::id, g -> g));
    for (MonitoredWatches.GroupPlan plan : groups.values()) {
      JobKey key = JobKey.jobKey(Long.toString(plan.id()), JOBS);
      JobDetail stored = quartz.getJobDetail(key);
      if (stored != null && plan.equals(planOf(stored))) {
        catchUp(plan, key);
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
      // Each group starts a little late at random (a tenth of the interval, at most 2 s), so
      // groups with one interval do not all send their packets in the same second.
      long jitterMillis =
          ThreadLocalRandom.current().nextLong(1 + Math.min(2000, plan.intervalSeconds() * 100));
      Trigger trigger =
          TriggerBuilder.newTrigger()
              .withIdentity(key.getName(), JOBS)
              .forJob(key)
              .startAt(new Date(System.currentTimeMillis() + jitterMillis))
              .withSchedule(
                  SimpleScheduleBuilder.simpleSchedule()
                      .withIntervalInSeconds(
                          (int) Math.min(Integer.MAX_VALUE, plan.intervalSeconds()))
                      .repeatForever()
                      // A round still running when the next is due: that one is skipped.
                      .withMisfireHandlingInstructionNextWithRemainingCount())
              .build();
      quartz.scheduleJob(job, Set.of(trigger), true);
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
   * The first time this node sees a group whose job it did not make (a restart): when no node has
   * run a round of it for longer than its interval, one runs now rather than at the schedule's next
   * slot, up to an interval away. A node joining a running cluster finds recent rounds and waits.
   */
  private void catchUp(MonitoredWatches.GroupPlan plan, JobKey key) throws SchedulerException {
    if (!caughtUp.add(plan.id())) {
      return;
    }
    Instant due = Instant.now().minusSeconds(plan.intervalSeconds());
    Trigger trigger = quartz.getTrigger(TriggerKey.triggerKey(key.getName(), JOBS));
    if (trigger == null || trigger.getStartTime().toInstant().isAfter(due)) {
      return; // a schedule just made: its first round is on its way
    }
    Rounds.Summary latest = rounds.latest(plan.id());
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

  @Scheduled(
      every = "10s",
      identity = "detour-status-flush",
      executeWith = Scheduled.SIMPLE,
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void flush() {
    if (config.monitor().enabled()) {
      monitor.flush();
      // Groups whose rounds ran on another node: their state here is read again.
      monitor.adoptOthers();
    }
  }
}
