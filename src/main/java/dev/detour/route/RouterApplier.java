package dev.detour.route;

import dev.detour.control.ControlConfig;
import dev.detour.control.Controls;
import dev.detour.metrics.Metrics;
import dev.detour.route.plan.Plan;
import inet.ipaddr.IPAddress;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Brings one router in line with its plan: lists it, adds what is missing before removing what is
 * stale (paced for a router that wants it), holds additions back while the tunnel is down, checks
 * what it routed through the tunnel, and writes every change to the audit log and the metrics and
 * the outcome to the router's status.
 */
@ApplicationScoped
public class RouterApplier {

  private static final Logger LOG = Logger.getLogger(RouterApplier.class);
  private static final int LISTED = 200;

  private final RoutesConfig config;
  private final ControlConfig control;
  private final Controls controls;
  private final WantedRoutes wanted;
  private final RouteAuditLog audit;
  private final TunnelCheck check;
  private final RouterIncidents incidents;
  private final MeterRegistry registry;

  public RouterApplier(
      RoutesConfig config,
      ControlConfig control,
      Controls controls,
      WantedRoutes wanted,
      RouteAuditLog audit,
      TunnelCheck check,
      RouterIncidents incidents,
      MeterRegistry registry) {
    this.config = config;
    this.control = control;
    this.controls = controls;
    this.wanted = wanted;
    this.audit = audit;
    this.check = check;
    this.incidents = incidents;
    this.registry = registry;
  }

  /** The router's gauges: its routes by state, whether its sync works, whether its tunnel is up. */
  void meter(SyncedRouter router) {
    String name = router.name();
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
  }

  /** Syncs one router with what is wanted; {@code planOnly}: plans and lists, changes nothing. */
  RouterStatus sync(SyncedRouter r, WantedRoutes.Wanted in, String actor, boolean planOnly) {
    RouterSettings s = r.settings;
    boolean kill = in.killSwitch();
    boolean dry = planOnly || in.dryRun() || !config.enabled();
    Instant at = Instant.now();
    RouterStatus before = r.status;
    try {
      RouterBackend backend = r.backend();
      WantedRoutes.RouterPlan planned = wanted.plan(s, backend.fences(), in);
      Plan plan = planned.plan();
      Boolean tunnelUp = tunnelUp(backend);
      List<RouterRoute> actual = backend.list();
      Reconciler.Diff diff = Reconciler.diff(plan.routes(), actual);
      List<String> held = List.of();
      if (Boolean.FALSE.equals(tunnelUp) && !diff.add().isEmpty()) {
        held = diff.add();
        diff = diff.withoutAdds();
      }
      Reconciler.Outcome outcome = Reconciler.Outcome.NOTHING;
      if (!dry && !diff.empty()) {
        outcome = apply(r, diff, WantedRoutes.reasons(plan.routes(), in.wants()), actor);
        LOG.infof(
            "%s: %d routes added, %d set back in place, %d removed, %d failed%s",
            s.name(),
            outcome.added(),
            outcome.updated(),
            outcome.removed(),
            outcome.failed(),
            outcome.error() == null ? "" : " (stopped: " + outcome.error() + ")");
      }
      if (!dry && outcome.added() > 0) {
        verifyAfter(r, diff.add());
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
              plan.wantedAddressesV6(),
              plan.collateralAddressesV6(),
              plan.uncoveredAddressesV6(),
              planned.unverified(),
              plan.nanos() / 1e6,
              plan.fenced().stream().limit(LISTED).toList(),
              plan.fencedCount(),
              pendingAdd.size(),
              pendingRemove.size(),
              pendingAdd.stream().limit(LISTED).toList(),
              pendingRemove.stream().limit(LISTED).toList(),
              diff.foreign().stream().limit(LISTED).toList(),
              plan.routes().stream().limit(5000).toList());
      incidents.record(r, outcome.error(), tunnelUp);
    } catch (RouterException e) {
      r.disconnect();
      LOG.warnf("%s: sync failed, trying again later: %s", s.name(), e.getMessage());
      if (!e.getMessage().equals(before.error())) {
        // Once per failure, not once per retry: an outage of a day is one line, not 1,440.
        audit.recordAll(
            List.of(
                RouteAuditLog.entry(
                    new RouteAuditLog.Change(
                        s.name(), "sync", null, "error", actor, "", e.getMessage()))));
      }
      r.status = before.failedAt(at, e.getMessage());
      incidents.record(r, e.getMessage(), null);
    } catch (IllegalArgumentException e) {
      LOG.warnf(e, "%s: cannot plan: %s", s.name(), e.getMessage());
      r.status = before.failedAt(at, e.getMessage());
      incidents.record(r, e.getMessage(), null);
    }
    return r.status;
  }

  private Reconciler.Outcome apply(
      SyncedRouter r, Reconciler.Diff diff, Map<String, String> reasons, String actor) {
    String name = r.name();
    List<RouteAudit> lines = new ArrayList<>();
    // This host's own table takes changes as fast as ip runs; a router gets them paced.
    int pace = r.settings.kind().paced() ? r.settings.changesPerSecond() : 0;
    Map<String, String> comments = new LinkedHashMap<>();
    reasons.forEach((p, why) -> comments.put(p, comment(r.settings, why)));
    Map<String, String> why = new HashMap<>(reasons);
    diff.remove().forEach(x -> why.putIfAbsent(x.prefix(), "no longer wanted"));
    Reconciler.Outcome outcome =
        Reconciler.apply(
            r.backend(),
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
                      new RouteAuditLog.Change(
                          name,
                          change.action(),
                          change.prefix(),
                          change.ok() ? "ok" : "error",
                          actor,
                          why.getOrDefault(change.prefix(), ""),
                          change.detail())));
              if (lines.size() >= 500) {
                audit.recordAll(List.copyOf(lines));
                lines.clear();
              }
            });
    audit.recordAll(lines);
    if (outcome.error() != null) {
      r.disconnect();
    }
    return outcome;
  }

  /**
   * Checks that what was just routed now answers through the tunnel, and writes the answer to the
   * audit log (a few addresses per sync: a check is a connection each).
   */
  private void verifyAfter(SyncedRouter r, List<String> added) {
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
              new RouteAuditLog.Change(
                  r.name(),
                  "verify",
                  prefix,
                  result.ok() == null ? "skipped" : result.ok() ? "ok" : "error",
                  "detour",
                  "",
                  result.detail())));
    }
    audit.recordAll(lines);
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

  private static double count(RouterStatus s, String state) {
    return switch (state) {
      case "desired" -> s.desired();
      case "applied" -> s.applied();
      default -> s.failed();
    };
  }
}
