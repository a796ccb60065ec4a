package dev.detour.route;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;

/**
 * The two switches over route push, kept across restarts: the kill switch (every route Detour made
 * is withdrawn and none is added) and dry run (plans are made and shown, nothing is changed).
 */
@ApplicationScoped
public class RouteSwitches {

  /** Both switches as the API shows and takes them (null in a request: unchanged). */
  public record State(Boolean killSwitch, Boolean dryRun) {}

  static final String KILL_SWITCH = "kill_switch";
  static final String DRY_RUN = "dry_run";

  private final RoutesConfig config;
  private final RouteAuditLog audit;

  public RouteSwitches(RoutesConfig config, RouteAuditLog audit) {
    this.config = config;
    this.audit = audit;
  }

  @Transactional
  public State get() {
    return new State(value(KILL_SWITCH, false), value(DRY_RUN, config.dryRun()));
  }

  @Transactional
  public State set(State wanted, String actor) {
    if (wanted.killSwitch() != null) {
      put(KILL_SWITCH, wanted.killSwitch(), actor, "kill-switch");
    }
    if (wanted.dryRun() != null) {
      put(DRY_RUN, wanted.dryRun(), actor, "dry-run");
    }
    return get();
  }

  private void put(String name, boolean on, String actor, String action) {
    RouteSetting s = RouteSetting.findById(name);
    if (s != null && Boolean.parseBoolean(s.value) == on) {
      return;
    }
    if (s == null) {
      s = new RouteSetting();
      s.name = name;
    }
    s.value = Boolean.toString(on);
    s.updatedAt = Instant.now();
    s.updatedBy = actor;
    s.persist();
    audit.record(
        RouteAuditLog.entry(
            new RouteAuditLog.Change(null, action, null, "ok", actor, "", on ? "on" : "off")));
  }

  private static boolean value(String name, boolean otherwise) {
    RouteSetting s = RouteSetting.findById(name);
    return s == null ? otherwise : Boolean.parseBoolean(s.value);
  }
}
