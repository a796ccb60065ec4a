package dev.detour.system;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Where a start's time goes, told once at debug level ({@code
 * quarkus.log.category."dev.detour.system.StartPhases".level=DEBUG}): from the JVM's start to
 * Quarkus's start-up event (class loading, the database's migrations check, Hibernate, the
 * connection pool), Detour's own start-up work (the observers of that event: the kernel guard, raw
 * packet access, alert channels, the round planner), and from there to the first round.
 */
@ApplicationScoped
public class StartPhases {

  private static final Logger LOG = Logger.getLogger(StartPhases.class);

  private final long jvmStartedAt = ManagementFactory.getRuntimeMXBean().getStartTime();
  private volatile long bootedAt;
  private volatile long startedAt;
  private final AtomicBoolean firstRound = new AtomicBoolean();

  void booted(@Observes @Priority(1) StartupEvent event) {
    bootedAt = System.currentTimeMillis();
  }

  void started(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
    startedAt = System.currentTimeMillis();
    LOG.debug(startLine());
  }

  /** Called as a round begins; the first one is told. Whether this was the first. */
  public boolean roundBegins(String group) {
    if (!firstRound.compareAndSet(false, true)) {
      return false;
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug(firstRoundLine(group, System.currentTimeMillis()));
    }
    return true;
  }

  String startLine() {
    return String.format(
        Locale.ROOT,
        "Start phases: JVM and Quarkus's boot (class loading, migrations check, Hibernate, the"
            + " pool) %.2f s, Detour's start-up work %.2f s",
        seconds(jvmStartedAt, bootedAt),
        seconds(bootedAt, startedAt));
  }

  String firstRoundLine(String group, long now) {
    return String.format(
        Locale.ROOT,
        "Start phases: the first round (group %s) began %.2f s after start-up, %.2f s after the"
            + " JVM started",
        group,
        seconds(startedAt, now),
        seconds(jvmStartedAt, now));
  }

  private static double seconds(long from, long to) {
    return from == 0 || to == 0 ? Double.NaN : (to - from) / 1000.0;
  }
}
