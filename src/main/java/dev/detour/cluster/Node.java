package dev.detour.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;

/**
 * This node of a cluster (or the only one): named by its Quartz instance id, which is unique among
 * the nodes sharing the database and the same across restarts ({@link NodeName}).
 */
@ApplicationScoped
public class Node {

  private final Scheduler quartz;
  private volatile String id;

  public Node(Scheduler quartz) {
    this.quartz = quartz;
  }

  public String id() {
    String known = id;
    if (known == null) {
      try {
        known = quartz.getSchedulerInstanceId();
      } catch (SchedulerException e) {
        throw new IllegalStateException("Quartz has no instance id: " + e.getMessage(), e);
      }
      id = known;
    }
    return known;
  }
}
