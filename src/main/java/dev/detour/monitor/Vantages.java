package dev.detour.monitor;

import dev.detour.control.ControlVantage;
import dev.detour.control.Controls;
import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.metrics.Metrics;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Whether this host's uplink and the control vantage work, as the rounds find them: an offline
 * uplink makes every watch unknown (nobody is blamed), a control gone leaves verdicts to
 * signatures. Each change is an incident, and each vantage a gauge.
 */
@ApplicationScoped
public class Vantages {

  private static final Logger LOG = Logger.getLogger(Vantages.class);

  private final Uplink uplink;
  private final Controls controls;
  private final WatchStateStore states;
  private final Incidents incidents;

  private volatile boolean online = true;

  /** Counts this vantage's offline spells: a round begun before one tells nothing after it. */
  private volatile long spells;

  private volatile String detail = "not checked yet";
  private volatile Boolean controlOnline;

  public Vantages(
      Uplink uplink,
      Controls controls,
      WatchStateStore states,
      Incidents incidents,
      MeterRegistry registry) {
    this.uplink = uplink;
    this.controls = controls;
    this.states = states;
    this.incidents = incidents;
    Gauge.builder(Metrics.VANTAGE_UP, this, v -> v.online ? 1 : 0)
        .description("1 while this host's uplink works")
        .register(registry);
    Gauge.builder(Metrics.CONTROL_UP, this, v -> Boolean.TRUE.equals(v.controlOnline) ? 1 : 0)
        .description("1 while the control vantage answers")
        .register(registry);
  }

  /** Checks the uplink (at most every {@code detour.uplink.check-every}) and notes the answer. */
  Uplink.Status checkUplink() {
    Uplink.Status up = uplink.status();
    note(up);
    return up;
  }

  /**
   * Before blaming anyone for a round that began at {@code since}: is the uplink still there? The
   * round's own start check may be long past on a busy machine.
   */
  void recheckUplink(java.time.Instant since) {
    if (online) {
      note(uplink.statusSince(since));
    }
  }

  /** Whether a round begun in spell {@code spell} may blame anyone now. */
  boolean stillOnlineSince(long spell) {
    return spell == spells && online;
  }

  boolean online() {
    return online;
  }

  long spell() {
    return spells;
  }

  String detail() {
    return detail;
  }

  /** The control vantage {@code detour.control.mode} names. */
  ControlVantage control() {
    return controls.vantage();
  }

  /** The last control health check's detail, without checking. */
  String controlDetail() {
    return controls.lastHealth().detail();
  }

  boolean controlOnline() {
    return Boolean.TRUE.equals(controlOnline);
  }

  private synchronized void note(Uplink.Status up) {
    detail = up.detail();
    if (up.up() == online) {
      return;
    }
    online = up.up();
    if (!up.up()) {
      spells++;
      // Every watch shows unknown now, not when its group's next round starts.
      states.markAllOffline();
      LOG.warnf(
          "This vantage is offline (%s): every watch is unknown, nobody is blamed", up.detail());
      incidents.event(
          Incident.Kind.VANTAGE_OFFLINE,
          "uplink down: " + up.detail() + " — every watch unknown until it is back");
    } else {
      LOG.infof("This vantage is online again: %s", up.detail());
      incidents.event(Incident.Kind.VANTAGE_ONLINE, "uplink back: " + up.detail());
    }
  }

  /** Checks the control vantage (at most every few seconds) and notes the answer. */
  ControlVantage.Health checkControl() {
    ControlVantage.Health health = controls.health();
    note(health);
    return health;
  }

  private synchronized void note(ControlVantage.Health health) {
    if (controls.vantage().mode().equals("none")) {
      controlOnline = false;
      return;
    }
    if (controlOnline != null && controlOnline == health.ok()) {
      return;
    }
    boolean first = controlOnline == null;
    controlOnline = health.ok();
    if (health.ok()) {
      if (!first) {
        incidents.event(Incident.Kind.CONTROL_ONLINE, "control vantage back: " + health.detail());
      }
    } else {
      LOG.warnf("Control vantage offline: %s; verdicts rest on signatures alone", health.detail());
      incidents.event(
          Incident.Kind.CONTROL_OFFLINE,
          "control vantage offline: " + health.detail() + " — only signatures count meanwhile");
    }
  }
}
