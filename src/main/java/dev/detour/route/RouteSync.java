package dev.detour.route;

import dev.detour.api.ProblemException;
import dev.detour.cluster.ClusterLock;
import dev.detour.state.WatchStateChanged;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * Keeps every configured router in step with what is blocked: on each change of a watch's state (a
 * tenth of a second later, a second apart while changes keep coming) and every {@code sync-every}.
 * A sync brings the wanted routes up to date ({@link WantedRoutes}) and brings each router in line
 * with them ({@link RouterApplier}). One sync runs at a time, on one thread, and on one node of a
 * cluster: the one holding the cluster lock.
 */
@ApplicationScoped
public class RouteSync {

  private static final Logger LOG = Logger.getLogger(RouteSync.class);

  /** The cluster lock a sync holds: one node of a cluster syncs the routers at a time. */
  static final String SYNC_LOCK = "route-sync";

  private final RoutesConfig config;
  private final RoutersConfig routersConfig;
  private final RouterKinds kinds;
  private final WantedRoutes wanted;
  private final RouterApplier applier;
  private final ClusterLock lock;
  private final Map<String, SyncedRouter> routers = new LinkedHashMap<>();
  private final AtomicBoolean queued = new AtomicBoolean();
  private ScheduledExecutorService executor;

  /** Routers to sync and routing on: changes of state ask for a sync. */
  private volatile boolean watching;

  /** When the last requested sync began (System.nanoTime). */
  private volatile long lastRequested = System.nanoTime() - 1_000_000_000L;

  public RouteSync(
      RoutesConfig config,
      RoutersConfig routersConfig,
      RouterKinds kinds,
      WantedRoutes wanted,
      RouterApplier applier,
      ClusterLock lock) {
    this.config = config;
    this.routersConfig = routersConfig;
    this.kinds = kinds;
    this.wanted = wanted;
    this.applier = applier;
    this.lock = lock;
  }

  void onStart(@Observes StartupEvent event) {
    Map<String, RouterSettings> configured;
    try {
      configured = kinds.configured(routersConfig);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("Router configuration: " + e.getMessage());
    }
    configured.forEach(
        (name, settings) -> {
          SyncedRouter router = new SyncedRouter(settings);
          routers.put(name, router);
          applier.meter(router);
        });
    wanted.checkConfigured();
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "detour-routes");
              t.setDaemon(true);
              return t;
            });
    if (!routers.isEmpty() && config.enabled()) {
      watching = true;
      long every = Math.max(1, config.syncEvery().toMillis());
      executor.scheduleWithFixedDelay(
          () -> syncAll("detour"), Math.min(every, 2000), every, TimeUnit.MILLISECONDS);
      LOG.infof(
          "Routing blocked prefixes through %d router(s): %s",
          routers.size(), routers.values().stream().map(r -> r.settings.toString()).toList());
    }
  }

  /** A watch changed state: its routes may change too. */
  void onChange(@Observes WatchStateChanged change) {
    if (watching) {
      requestSync();
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (executor != null) {
      executor.shutdownNow();
    }
    routers.values().forEach(SyncedRouter::disconnect);
  }

  /**
   * A sync soon, unless one is already waiting: a tenth of a second from now (the changes of one
   * moment together), or a second after the last requested one began when that was more recent —
   * state changes come in bursts, and a mass block's are synced a second at a time. The first
   * change after a quiet spell waited a whole second before (a tenth of a block's route time).
   */
  public void requestSync() {
    if (queued.compareAndSet(false, true)) {
      long sinceLast = (System.nanoTime() - lastRequested) / 1_000_000;
      long delay = Math.max(100, 1000 - sinceLast);
      executor.schedule(
          () -> {
            lastRequested = System.nanoTime();
            queued.set(false);
            syncAll("detour");
          },
          delay,
          TimeUnit.MILLISECONDS);
    }
  }

  public List<RouterStatus> statuses() {
    return routers.values().stream().map(r -> r.status).toList();
  }

  public RouterStatus status(String name) {
    return router(name).status;
  }

  /** Syncs one router (or all, name null) now, waiting for it; {@code planOnly}: change nothing. */
  public List<RouterStatus> syncNow(String name, boolean planOnly, String actor) {
    List<SyncedRouter> which = name == null ? List.copyOf(routers.values()) : List.of(router(name));
    return onSyncThread(
        () ->
            sync(which, actor, planOnly)
                .orElseThrow(
                    () ->
                        new ProblemException(
                            409,
                            "sync-busy",
                            "Another node is syncing",
                            "another Detour node of this cluster is syncing the routers right"
                                + " now; try again in a few seconds",
                            List.of(),
                            0)));
  }

  /** What answers at the router, or why nothing does: the "test connection" button. */
  public String test(String name) {
    SyncedRouter r = router(name);
    return onSyncThread(
        () -> {
          try {
            return r.backend().describe();
          } catch (RouterException e) {
            r.disconnect();
            throw new ProblemException(
                502,
                "router-unreachable",
                "Router did not answer",
                r.name() + ": " + e.getMessage(),
                List.of(),
                0);
          }
        });
  }

  private <T> T onSyncThread(Callable<T> work) {
    Future<T> f = executor.submit(work);
    try {
      return f.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted");
    } catch (TimeoutException e) {
      throw new ProblemException(
          504, "sync-timeout", "Sync still running", "try again later", List.of(), 0);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  private SyncedRouter router(String name) {
    SyncedRouter r = routers.get(name);
    if (r == null) {
      throw ProblemException.notFound(
          "no router named '"
              + name
              + "'; routers are configured as detour.routers.<name>.* (known: "
              + String.join(", ", routers.keySet())
              + ")");
    }
    return r;
  }

  private void syncAll(String actor) {
    try {
      if (sync(routers.values(), actor, false).isEmpty()) {
        // Another node of the cluster is syncing; it may have read the states before this
        // node's latest change, so this node syncs again once it is done.
        LOG.debug("Another node is syncing the routers; trying again in a second");
        requestSync();
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "Route sync failed; trying again in %s", config.syncEvery());
    }
  }

  /** Syncs these routers under the cluster lock; empty when another node holds it. */
  private Optional<List<RouterStatus>> sync(
      Collection<SyncedRouter> which, String actor, boolean planOnly) {
    return lock.ifFree(
        SYNC_LOCK,
        () -> {
          WantedRoutes.Wanted in = wanted.refresh();
          List<RouterStatus> all = new ArrayList<>();
          for (SyncedRouter r : which) {
            all.add(applier.sync(r, in, actor, planOnly));
          }
          return all;
        });
  }
}
