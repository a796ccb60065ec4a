package dev.detour.route;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * What a person may do to routing, from the API or the pages alike: sync or plan a router now, test
 * its connection, flip the switches, pin or exclude a prefix — each named in the audit log after
 * the account or token that did it, and each followed by a sync when it changes what is wanted.
 */
@ApplicationScoped
public class RouteActions {

  private final RouteSync sync;
  private final RouteRules rules;
  private final RouteSwitches switches;
  private final RouteAuditLog audit;
  private final SecurityIdentity identity;

  public RouteActions(
      RouteSync sync,
      RouteRules rules,
      RouteSwitches switches,
      RouteAuditLog audit,
      SecurityIdentity identity) {
    this.sync = sync;
    this.rules = rules;
    this.switches = switches;
    this.audit = audit;
    this.identity = identity;
  }

  /** Who the audit log names: the account or token of the request. */
  private String actor() {
    return identity.isAnonymous() ? "api" : identity.getPrincipal().getName();
  }

  /** Syncs one router ({@code null}: every router) now, or plans it only. */
  public List<RouterStatus> sync(String router, boolean planOnly) {
    return sync.syncNow(router, planOnly, actor());
  }

  /** The "test connection" answer of a router. */
  public String test(String router) {
    return sync.test(router);
  }

  public List<RouterStatus> statuses() {
    return sync.statuses();
  }

  public RouterStatus status(String router) {
    return sync.status(router);
  }

  public RouteSwitches.State switches() {
    return switches.get();
  }

  public RouteSwitches.State switches(RouteSwitches.State wanted) {
    RouteSwitches.State now = switches.set(wanted, actor());
    sync.requestSync();
    return now;
  }

  public List<RouteRules.View> rules(RouteRule.Kind kind) {
    return rules.list(kind);
  }

  public RouteRules.View addRule(RouteRule.Kind kind, RouteRules.Input input) {
    RouteRules.View view = rules.add(kind, input, actor());
    sync.requestSync();
    return view;
  }

  public void deleteRule(RouteRule.Kind kind, long id) {
    rules.delete(kind, id, actor());
    sync.requestSync();
  }

  /** The audit log's newest lines, of one router or ({@code null}) all. */
  public List<RouteAuditLog.Line> audit(String router, int limit) {
    return audit.recent(router, limit);
  }
}
