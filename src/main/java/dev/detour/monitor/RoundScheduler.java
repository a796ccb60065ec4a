package dev.detour.monitor;

import dev.detour.DetourConfig;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduler;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Keeps one Quartz job per group, firing a round every group interval ({@code intervalSeconds} of
 * the group, else {@code detour.probe.interval}) with a little random delay: a new group gets its
 * job within seconds, a changed interval a new trigger, a deleted group loses its job and its
 * watches' state.
 */
@ApplicationScoped
public class RoundScheduler {

  private static final Logger LOG = Logger.getLogger(RoundScheduler.class);
  private static final String PREFIX = "detour-round-";

  private final Scheduler scheduler;
  private final Monitor monitor;
  private final MonitoredWatches watches;
  private final DetourConfig config;
  private final Map<Long, MonitoredWatches.GroupPlan> scheduled = new ConcurrentHashMap<>();

  public RoundScheduler(
      Scheduler scheduler, Monitor monitor, MonitoredWatches watches, DetourConfig config) {
    this.scheduler = scheduler;
    this.monitor = monitor;
    this.watches = watches;
    this.config = config;
  }

  @Scheduled(
      every = "5s",
      identity = "detour-round-planner",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void plan() {
    if (!config.monitor().enabled()) {
      return;
    }
    Map<Long, MonitoredWatches.GroupPlan> groups =
        watches.groups().stream().collect(Collectors.toMap(MonitoredWatches.GroupPlan::id, g -> g));
    for (MonitoredWatches.GroupPlan plan : groups.values()) {
      MonitoredWatches.GroupPlan current = scheduled.get(plan.id());
      if (plan.equals(current)) {
        continue;
      }
      if (current != null) {
        scheduler.unscheduleJob(PREFIX + plan.id());
      }
      // Each round starts a little late at random (a tenth of the interval, at most 2 s), so
      // groups with one interval do not all send their packets in the same second.
      long jitterMillis = Math.min(2000, plan.intervalSeconds() * 100);
      scheduler
          .newJob(PREFIX + plan.id())
          .setInterval(plan.intervalSeconds() + "s")
          .setExecutionMaxDelay(Duration.ofMillis(jitterMillis).toString())
          .setConcurrentExecution(Scheduled.ConcurrentExecution.SKIP)
          .setTask(execution -> monitor.round(plan))
          .schedule();
      scheduled.put(plan.id(), plan);
      LOG.infof("Group %s: a round every %d s", plan.name(), plan.intervalSeconds());
    }
    for (Long gone : Set.copyOf(scheduled.keySet())) {
      if (!groups.containsKey(gone)) {
        scheduler.unscheduleJob(PREFIX + gone);
        scheduled.remove(gone);
      }
    }
    monitor.forgetGroupsExcept(groups.keySet());
  }

  @Scheduled(
      every = "10s",
      identity = "detour-status-flush",
      concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
  void flush() {
    if (config.monitor().enabled()) {
      monitor.flush();
    }
  }
}
