package dev.detour.route;

import dev.detour.api.ProblemException;
import dev.detour.cluster.ClusterLock;
import dev.detour.control.ControlConfig;
import dev.detour.control.Controls;
import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.metrics.Metrics;
import dev.detour.route.plan.Fence;
import dev.detour.route.plan.Plan;
import dev.detour.route.plan.PlanInput;
import dev.detour.route.plan.RoutePlanner;
import dev.detour.state.WatchStateChanged;
import dev.detour.state.WatchStates;
import inet.ipaddr.IPAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
 * second later, so a burst of changes makes one sync) and every {@code sync-every}. A sync brings
 * the claims up to date, plans each router's routes under its budget and the guard rails, lists the
 * router, and adds what is missing before removing what is stale — only ever touching Detour's own
 * entries. One sync runs at a time, on one thread.
 */
@ApplicationScoped
public class RouteSync {

  private static final Logger LOG = Logger.getLogger(RouteSync.class);
  private static final int LISTED = 200;

  /** The cluster lock a sync holds: one node of a cluster syncs the routers at a time. */
  static final String SYNC_LOCK = "route-sync";

  /** A configured router, its connection and its latest status. */
  static final class Router {
    final RouterSettings settings;
    RouterBackend backend;
    volatile RouterStatus status;

    /** Whether a failing sync was recorded as an incident (and its recovery is owed). */
    volatile boolean failing;

    /** The tunnel as last recorded: null until first seen. */
    volatile Boolean tunnelUp;

    Router(RouterSettings settings) {
      this.settings = settings;
      this.status = RouterStatus.never(settings);
    }
  }

  /** A wanted prefix and why. */
  record Want(String prefix, String reason, boolean verified) {}

  private final RoutesConfig config;
  private final RoutersConfig routersConfig;
  private final RouterKinds kinds;
  private final ControlConfig control;
  private final RouteClaims claims;
  private final RouteRules rules;
  private final RouteSwitches switches;
  private final GuardRails guard;
  private final RouteAuditLog audit;
  private final Controls controls;
  private final WatchStates monitor;
  private final MeterRegistry registry;
  private final TunnelCheck check;
  private final Incidents incidents;
  private final ClusterLock lock;
  private final Map<String, Router> routers = new LinkedHashMap<>();
  private final AtomicBoolean queued = new AtomicBoolean();
  private ScheduledExecutorService executor;

  /** Routers to sync and routing on: changes of state ask for a sync. */
  private volatile boolean watching;

  public RouteSync(
      RoutesConfig config,
      RoutersConfig routersConfig,
      RouterKinds kinds,
      ControlConfig control,
      RouteClaims claims,
      RouteRules rules,
      RouteSwitches switches,
      GuardRails guard,
      RouteAuditLog audit,
      Controls controls,
      WatchStates monitor,
      MeterRegistry registry,
      TunnelCheck check,
      Incidents incidents,
      ClusterLock lock) {
    this.lock = lock;
    this.config = config;
    this.routersConfig = routersConfig;
    this.kinds = kinds;
    this.control = control;
    this.claims = claims;
    this.rules = rules;
    this.switches = switches;
    this.guard = guard;
    this.audit = audit;
    this.controls = controls;
    this.monitor = monitor;
    this.registry = registry;
    this.check = check;
    this.incidents = incidents;
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
          Router router = new Router(settings);
          routers.put(name, router);
          for (String state : List.of("desired", "applied", "failed")) {
            Gauge.builder(Metrics.ROUTES, router, x -> count(x.status, state))
                .description("Routes per router: desired (planned), applied, failed")
                .tags("router", name, "state", state)
                .register(registry);
          }
          Gauge.builder(
                  Metrics.ROUTER_SYNC_OK,
                  router,
                  x -> x.status.syncedAt() == null ? Double.NaN : x.failing ? 0 : 1)
              .description("1 when the router's latest sync worked, 0 when it failed")
              .tags("router", name)
              .register(registry);
          Gauge.builder(
                  Metrics.ROUTER_TUNNEL_UP,
                  router,
                  x -> x.tunnelUp == null ? Double.NaN : x.tunnelUp ? 1 : 0)
              .description("1 while the router's tunnel is up, 0 while it is down")
              .tags("router", name)
              .register(registry);
        });
    for (String p : config.pins().orElse(List.of())) {
      check("detour.routes.pins", p);
    }
    for (String p : config.exclusions().orElse(List.of())) {
      check("detour.routes.exclusions", p);
    }
    for (String p : config.allowReserved().orElse(List.of())) {
      check("detour.routes.allow-reserved", p);
    }
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

  private static void check(String key, String prefix) {
    try {
      Prefixes.parse(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(key + ": " + e.getMessage());
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
    routers.values().forEach(r -> r.backend = close(r.backend));
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

  /** When the last requested sync began (System.nanoTime). */
  private volatile long lastRequested = System.nanoTime() - 1_000_000_000L;

  public List<RouterStatus> statuses() {
    return routers.values().stream().map(r -> r.status).toList();
  }

  public RouterStatus status(String name) {
    return router(name).status;
  }

  /** Syncs one router (or all, name null) now, waiting for it; {@code planOnly}: change nothing. */
  public List<RouterStatus> syncNow(String name, boolean planOnly, String actor) {
    List<Router> which = name == null ? List.copyOf(routers.values()) : List.of(router(name));
    return onSyncThread(
        () ->
            lock.ifFree(
                    SYNC_LOCK,
                    () -> {
                      refreshClaims();
                      Inputs in = inputs();
                      List<RouterStatus> all = new ArrayList<>();
                      for (Router r : which) {
                        all.add(sync(r, in, actor, planOnly));
                      }
                      return all;
                    })
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
    Router r = router(name);
    return onSyncThread(
        () -> {
          try {
            return backend(r).describe();
          } catch (RouterException e) {
            r.backend = close(r.backend);
            throw new ProblemException(
                502,
                "router-unreachable",
                "Router did not answer",
                r.settings.name() + ": " + e.getMessage(),
                List.of(),
                0);
          }
        });
  }

  private <T> T onSyncThread(java.util.concurrent.Callable<T> work) {
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

  private Router router(String name) {
    Router r = routers.get(name);
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

  // ------------------------------------------------------------------------------- syncing

  private void syncAll(String actor) {
    try {
      Optional<Boolean> ran =
          lock.ifFree(
              SYNC_LOCK,
              () -> {
                refreshClaims();
                Inputs in = inputs();
                for (Router r : routers.values()) {
                  sync(r, in, actor, false);
                }
                return true;
              });
      if (ran.isEmpty()) {
        // Another node of the cluster is syncing; it may have read the states before this
        // node's latest change, so this node syncs again once it is done.
        LOG.debug("Another node is syncing the routers; trying again in a second");
        requestSync();
      }
    } catch (RuntimeException e) {
      LOG.errorf(e, "Route sync failed; trying again in %s", config.syncEvery());
    }
  }

  /** Brings the claims up to date with the blocks, as every node of the cluster stored them. */
  private void refreshClaims() {
    monitor.catchUp();
    RouteClaims.Refresh r = claims.refresh(Instant.now());
    if (r.added() + r.released() + r.removed() > 0) {
      LOG.infof(
          "Route claims: %d new, %d released, %d withdrawn", r.added(), r.released(), r.removed());
    }
  }

  /** What every router's plan starts from, read once per sync. */
  record Inputs(
      List<Want> wants, List<String> exclusions, RouteSwitches.State switches, boolean verify) {}

  private Inputs inputs() {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              List<Want> wants = new ArrayList<>();
              for (RouteClaim c : RouteClaim.<RouteClaim>listAll()) {
                wants.add(new Want(c.key.prefix(), c.reason, c.verified));
              }
              for (String p : rules.prefixes(RouteRule.Kind.PIN)) {
                wants.add(new Want(p, "pinned", true));
              }
              boolean verify = config.verify() && control.mode() != ControlConfig.Mode.NONE;
              return new Inputs(
                  wants, rules.prefixes(RouteRule.Kind.EXCLUSION), switches.get(), verify);
            });
  }

  private RouterStatus sync(Router r, Inputs in, String actor, boolean planOnly) {
    RouterSettings s = r.settings;
    boolean kill = Boolean.TRUE.equals(in.switches().killSwitch());
    boolean dry = planOnly || Boolean.TRUE.equals(in.switches().dryRun()) || !config.enabled();
    Instant at = Instant.now();
    RouterStatus before = r.status;
    try {
      RouterBackend backend = backend(r);
      List<Fence> fences = new ArrayList<>(guard.fences(s, in.exclusions()));
      fences.addAll(backend.fences());
      List<String> wanted = new ArrayList<>();
      int unverified = 0;
      if (!kill) {
        for (Want w : in.wants()) {
          if (in.verify() && !w.verified()) {
            unverified++;
          } else {
            wanted.add(w.prefix());
          }
        }
      }
      Plan plan =
          RoutePlanner.plan(
              new PlanInput(
                  wanted, fences, config.minPrefixIpv4(), config.minPrefixIpv6(), s.maxRoutes()));
      Boolean tunnelUp = tunnelUp(backend);
      List<RouterRoute> actual = backend.list();
      Reconciler.Diff diff = Reconciler.diff(plan.routes(), actual);
      List<String> held = List.of();
      if (Boolean.FALSE.equals(tunnelUp) && !diff.add().isEmpty()) {
        held = diff.add();
        diff = new Reconciler.Diff(List.of(), diff.remove(), diff.kept(), diff.foreign());
      }
      Reconciler.Outcome outcome = new Reconciler.Outcome(0, 0, 0, null);
      if (!dry && !diff.empty()) {
        outcome = apply(r, backend, diff, reasons(plan.routes(), in.wants()), actor);
        LOG.infof(
            "%s: %d routes added, %d removed, %d failed%s",
            s.name(),
            outcome.added(),
            outcome.removed(),
            outcome.failed(),
            outcome.error() == null ? "" : " (stopped: " + outcome.error() + ")");
      }
      if (!dry && outcome.added() > 0) {
        verifyAfter(r, diff.add(), in.wants());
      }
      List<String> pendingAdd = new ArrayList<>(held);
      List<String> pendingRemove = new ArrayList<>();
      if (dry || outcome.error() != null) {
        pendingAdd.addAll(diff.add());
        diff.remove().forEach(x -> pendingRemove.add(x.prefix()));
      }
      int applied = diff.kept().size() + outcome.added();
      if (dry) {
        applied = diff.kept().size() + diff.remove().size();
      }
      String error =
          outcome.error() != null
              ? outcome.error()
              : held.isEmpty()
                  ? null
                  : "the tunnel " + s.gateway() + " is down: " + held.size() + " routes held back";
      r.status =
          new RouterStatus(
              s.name(),
              s.type(),
              s.gateway(),
              s.routingTable(),
              before.mode(),
              s.maxRoutes(),
              at,
              error == null ? at : before.okAt(),
              error,
              tunnelUp,
              dry,
              kill,
              plan.routes().size(),
              applied,
              outcome.failed(),
              plan.wantedAddresses(),
              plan.collateralAddresses(),
              plan.uncoveredAddresses(),
              unverified,
              plan.nanos() / 1e6,
              plan.fenced().stream().limit(LISTED).toList(),
              plan.fencedCount(),
              pendingAdd.size(),
              pendingRemove.size(),
              pendingAdd.stream().limit(LISTED).toList(),
              pendingRemove.stream().limit(LISTED).toList(),
              diff.foreign().stream().limit(LISTED).toList(),
              plan.routes().stream().limit(5000).toList());
      recordIncidents(r, outcome.error(), tunnelUp);
    } catch (RouterException e) {
      r.backend = close(r.backend);
      LOG.warnf("%s: sync failed, trying again later: %s", s.name(), e.getMessage());
      if (!e.getMessage().equals(before.error())) {
        // Once per failure, not once per retry: an outage of a day is one line, not 1,440.
        audit.recordAll(
            List.of(
                RouteAuditLog.entry(s.name(), "sync", null, "error", actor, "", e.getMessage())));
      }
      r.status = failed(before, at, e.getMessage());
      recordIncidents(r, e.getMessage(), null);
    } catch (IllegalArgumentException e) {
      LOG.warnf(e, "%s: cannot plan: %s", s.name(), e.getMessage());
      r.status = failed(before, at, e.getMessage());
      recordIncidents(r, e.getMessage(), null);
    }
    return r.status;
  }

  private Reconciler.Outcome apply(
      Router r,
      RouterBackend backend,
      Reconciler.Diff diff,
      Map<String, String> reasons,
      String actor) {
    String name = r.settings.name();
    List<RouteAudit> lines = new ArrayList<>();
    // This host's own table takes changes as fast as ip runs; a router gets them paced.
    int pace = r.settings.kind().paced() ? r.settings.changesPerSecond() : 0;
    Map<String, String> comments = new LinkedHashMap<>();
    reasons.forEach((p, why) -> comments.put(p, comment(r.settings, why)));
    Map<String, String> why = new java.util.HashMap<>(reasons);
    diff.remove().forEach(x -> why.putIfAbsent(x.prefix(), "no longer wanted"));
    Reconciler.Outcome outcome =
        Reconciler.apply(
            backend,
            diff,
            comments,
            pace,
            change -> {
              Counter.builder(Metrics.ROUTE_CHANGES)
                  .description("Changes made on routers")
                  .tags(
                      "router",
                      name,
                      "action",
                      change.action(),
                      "outcome",
                      change.ok() ? "ok" : "error")
                  .register(registry)
                  .increment();
              lines.add(
                  RouteAuditLog.entry(
                      name,
                      change.action(),
                      change.prefix(),
                      change.ok() ? "ok" : "error",
                      actor,
                      why.getOrDefault(change.prefix(), ""),
                      change.detail()));
              if (lines.size() >= 500) {
                audit.recordAll(List.copyOf(lines));
                lines.clear();
              }
            });
    audit.recordAll(lines);
    if (outcome.error() != null) {
      r.backend = close(r.backend);
    }
    return outcome;
  }

  /**
   * Checks that what was just routed now answers through the tunnel, and writes the answer to the
   * audit log (a few addresses per sync: a check is a connection each).
   */
  private void verifyAfter(Router r, List<String> added, List<Want> wants) {
    List<RouteAudit> lines = new ArrayList<>();
    int checked = 0;
    for (String prefix : added) {
      if (checked >= 8) {
        break;
      }
      IPAddress p = Prefixes.parse(prefix);
      if (p.getCount().compareTo(BigInteger.ONE) != 0) {
        continue; // a prefix has no address known to answer
      }
      checked++;
      TunnelCheck.Result result =
          check.through(r.settings, p.toCanonicalString().replaceAll("/.*", ""));
      lines.add(
          RouteAuditLog.entry(
              r.settings.name(),
              "verify",
              prefix,
              result.ok() == null ? "skipped" : result.ok() ? "ok" : "error",
              "detour",
              "",
              result.detail()));
    }
    audit.recordAll(lines);
  }

  /** Why each route is there: the first claim (or pin) inside it, for its comment and the log. */
  private static Map<String, String> reasons(List<String> routes, List<Want> wants) {
    TreeMap<BigInteger, String> byStart = new TreeMap<>();
    for (Want w : wants) {
      byStart.putIfAbsent(Prefixes.parse(w.prefix()).getValue(), w.reason());
    }
    Map<String, String> all = new LinkedHashMap<>();
    for (String route : routes) {
      IPAddress p = Prefixes.parse(route);
      Map.Entry<BigInteger, String> first = byStart.ceilingEntry(p.getLower().getValue());
      all.put(
          route,
          first != null && first.getKey().compareTo(p.getUpper().getValue()) <= 0
              ? first.getValue()
              : "aggregate");
    }
    return all;
  }

  /** The owner's mark and why, short enough for a router's comment column. */
  static String comment(RouterSettings s, String reason) {
    // Printable ASCII only: RouterOS 6 keeps comments in a single-byte code page.
    String c = (s.commentPrefix() + " " + reason).replaceAll("[^\\x20-\\x7e]", "?");
    return c.length() <= 64 ? c : c.substring(0, 61) + "...";
  }

  private Boolean tunnelUp(RouterBackend backend) throws RouterException {
    Boolean up = backend.gatewayUp();
    if (Boolean.FALSE.equals(up)) {
      return false;
    }
    if (control.mode() == ControlConfig.Mode.INTERFACE) {
      // Checked now when not yet (or long ago): "not checked yet" at start is no tunnel down.
      return controls.health().ok() ? Boolean.TRUE : Boolean.FALSE;
    }
    return up;
  }

  private RouterBackend backend(Router r) {
    if (r.backend == null) {
      r.backend = r.settings.kind().open(r.settings);
    }
    return r.backend;
  }

  private static RouterBackend close(RouterBackend b) {
    if (b != null) {
      try {
        b.close();
      } catch (RuntimeException e) {
        LOG.debugf("Closing a router connection: %s", e.getMessage());
      }
    }
    return null;
  }

  private static RouterStatus failed(RouterStatus before, Instant at, String error) {
    return new RouterStatus(
        before.name(),
        before.type(),
        before.gateway(),
        before.routingTable(),
        before.mode(),
        before.maxRoutes(),
        at,
        before.okAt(),
        error,
        before.tunnelUp(),
        before.dryRun(),
        before.killSwitch(),
        before.desired(),
        before.applied(),
        before.failed(),
        before.wantedAddresses(),
        before.collateralAddresses(),
        before.uncoveredAddresses(),
        before.unverified(),
        before.planMillis(),
        before.fenced(),
        before.fencedCount(),
        before.pendingAddCount(),
        before.pendingRemoveCount(),
        before.pendingAdd(),
        before.pendingRemove(),
        before.foreign(),
        before.routes());
  }

  /**
   * Records as incidents (which alerting tells) a sync starting or ceasing to fail, and the tunnel
   * going down or coming back; a failure that holds is one incident, not one per retry.
   */
  private void recordIncidents(Router r, String error, Boolean tunnelUp) {
    String name = r.settings.name();
    try {
      if (error != null && !r.failing) {
        incidents.event(
            Incident.Kind.ROUTER_SYNC_FAILED, name, name + ": route sync failing: " + error);
      } else if (error == null && r.failing) {
        incidents.event(Incident.Kind.ROUTER_SYNC_OK, name, name + ": route sync works again");
      }
      r.failing = error != null;
      if (tunnelUp != null && !tunnelUp.equals(r.tunnelUp)) {
        if (!tunnelUp) {
          incidents.event(
              Incident.Kind.TUNNEL_DOWN,
              name,
              name + ": the tunnel " + r.settings.gateway() + " is down; no new routes go into it");
        } else if (r.tunnelUp != null) {
          incidents.event(
              Incident.Kind.TUNNEL_UP,
              name,
              name + ": the tunnel " + r.settings.gateway() + " is up again");
        }
        r.tunnelUp = tunnelUp;
      }
    } catch (RuntimeException e) {
      LOG.warnf(e, "%s: cannot record the sync's incident", name);
    }
  }

  private static double count(RouterStatus s, String state) {
    return switch (state) {
      case "desired" -> s.desired();
      case "applied" -> s.applied();
      default -> s.failed();
    };
  }
}
