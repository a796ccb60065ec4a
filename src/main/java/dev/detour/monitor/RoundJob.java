package dev.detour.monitor;

import dev.detour.system.StartPhases;
import jakarta.enterprise.context.Dependent;
import java.time.Instant;
import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobDataMap;
import org.quartz.JobExecutionContext;
import org.quartz.JobExecutionException;
import org.quartz.Scheduler;

/**
 * A group's round as Quartz runs it: on one node of the cluster at a time ({@link
 * DisallowConcurrentExecution} holds across nodes), until the round is over. A node that dies in
 * the middle of a round has it run again by another node (the job requests recovery).
 */
@Dependent
@DisallowConcurrentExecution
public class RoundJob implements Job {

  static final String GROUP = "group";
  static final String NAME = "name";
  static final String INTERVAL = "interval";

  private final RoundRunner monitor;
  private final MonitorConfig config;
  private final StartPhases phases;

  public RoundJob(RoundRunner monitor, MonitorConfig config, StartPhases phases) {
    this.monitor = monitor;
    this.config = config;
    this.phases = phases;
  }

  @Override
  public void execute(JobExecutionContext context) throws JobExecutionException {
    if (!config.enabled()) {
      // Fired between Quartz's start and the scheduler's standby (RoundScheduler): not here.
      return;
    }
    JobDataMap data = context.getMergedJobDataMap();
    MonitoredWatches.GroupPlan plan = plan(data);
    Instant scheduled = context.getScheduledFireTime().toInstant();
    if (context.isRecovering()) {
      // Run again for the round a dead node began: logged for the time that round was due.
      Object original =
          data.get(Scheduler.FAILED_JOB_ORIGINAL_TRIGGER_SCHEDULED_FIRETIME_IN_MILLISECONDS);
      if (original != null) {
        scheduled = Instant.ofEpochMilli(Long.parseLong(original.toString()));
      }
    }
    phases.roundBegins(plan.name());
    try {
      monitor.round(plan, scheduled, context.isRecovering());
    } catch (RuntimeException e) {
      throw new JobExecutionException("Round of group " + plan.name() + " failed", e, false);
    }
  }

  /** The group a job's data names. */
  static MonitoredWatches.GroupPlan plan(JobDataMap data) {
    return new MonitoredWatches.GroupPlan(
        Long.parseLong(data.getString(GROUP)),
        data.getString(NAME),
        Long.parseLong(data.getString(INTERVAL)));
  }
}
