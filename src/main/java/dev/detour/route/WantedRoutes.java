package dev.detour.route;

import dev.detour.control.ControlConfig;
import dev.detour.route.plan.Fence;
import dev.detour.route.plan.Plan;
import dev.detour.route.plan.PlanInput;
import dev.detour.route.plan.RoutePlanner;
import dev.detour.state.WatchStates;
import inet.ipaddr.IPAddress;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jboss.logging.Logger;

/**
 * What the routers are to hold: the claims of blocked watches and the pins, less what is waiting to
 * be verified through the control, planned for each router under its budget, its guard rails and
 * the user's exclusions.
 */
@ApplicationScoped
public class WantedRoutes {

  private static final Logger LOG = Logger.getLogger(WantedRoutes.class);

  /** A wanted prefix and why. */
  record Want(String prefix, String reason, boolean verified) {}

  /** What every router's plan starts from, read once per sync. */
  record Wanted(
      List<Want> wants, List<String> exclusions, RouteSwitches.State switches, boolean verify) {

    boolean killSwitch() {
      return Boolean.TRUE.equals(switches.killSwitch());
    }

    boolean dryRun() {
      return Boolean.TRUE.equals(switches.dryRun());
    }
  }

  /** One router's plan, and how many claims it left waiting for verification. */
  record RouterPlan(Plan plan, int unverified) {}

  private final RoutesConfig config;
  private final ControlConfig control;
  private final RouteClaims claims;
  private final RouteRules rules;
  private final RouteSwitches switches;
  private final GuardRails guard;
  private final WatchStates monitor;

  public WantedRoutes(
      RoutesConfig config,
      ControlConfig control,
      RouteClaims claims,
      RouteRules rules,
      RouteSwitches switches,
      GuardRails guard,
      WatchStates monitor) {
    this.config = config;
    this.control = control;
    this.claims = claims;
    this.rules = rules;
    this.switches = switches;
    this.guard = guard;
    this.monitor = monitor;
  }

  /**
   * Checks the prefixes the configuration names.
   *
   * @throws IllegalStateException naming the key
   */
  void checkConfigured() {
    for (String p : config.pins().orElse(List.of())) {
      check("detour.routes.pins", p);
    }
    for (String p : config.exclusions().orElse(List.of())) {
      check("detour.routes.exclusions", p);
    }
    for (String p : config.allowReserved().orElse(List.of())) {
      check("detour.routes.allow-reserved", p);
    }
  }

  private static void check(String key, String prefix) {
    try {
      Prefixes.parse(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(key + ": " + e.getMessage());
    }
  }

  /**
   * Brings the claims up to date with the blocks, as every node of the cluster stored them, and
   * reads what the routers' plans start from.
   */
  Wanted refresh() {
    monitor.catchUp();
    RouteClaims.Refresh r = claims.refresh(Instant.now());
    if (r.added() + r.released() + r.removed() > 0) {
      LOG.infof(
          "Route claims: %d new, %d released, %d withdrawn", r.added(), r.released(), r.removed());
    }
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
              return new Wanted(
                  wants, rules.prefixes(RouteRule.Kind.EXCLUSION), switches.get(), verify);
            });
  }

  /**
   * Plans one router's routes: nothing under the kill switch, unverified claims held back when
   * verification is on.
   *
   * @param routerFences what the router itself says must not be routed
   * @throws IllegalArgumentException when no plan can be made
   */
  RouterPlan plan(RouterSettings router, List<Fence> routerFences, Wanted in) {
    List<Fence> fences = new ArrayList<>(guard.fences(router, in.exclusions()));
    fences.addAll(routerFences);
    List<String> wanted = new ArrayList<>();
    int unverified = 0;
    if (!in.killSwitch()) {
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
                wanted,
                fences,
                config.minPrefixIpv4(),
                config.minPrefixIpv6(),
                router.maxRoutes()));
    return new RouterPlan(plan, unverified);
  }

  /** Why each route is there: the first claim (or pin) inside it, for its comment and the log. */
  static Map<String, String> reasons(List<String> routes, List<Want> wants) {
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
}
