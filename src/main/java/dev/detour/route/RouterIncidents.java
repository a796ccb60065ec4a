package dev.detour.route;

import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Records as incidents (which alerting tells) a router's sync starting or ceasing to fail, and its
 * tunnel going down or coming back; a failure that holds is one incident, not one per retry.
 */
@ApplicationScoped
public class RouterIncidents {

  private static final Logger LOG = Logger.getLogger(RouterIncidents.class);

  private final Incidents incidents;

  public RouterIncidents(Incidents incidents) {
    this.incidents = incidents;
  }

  /**
   * @param error why the latest sync failed, or null when it worked
   * @param tunnelUp the tunnel as the latest sync saw it, or null when it could not tell
   */
  void record(SyncedRouter r, String error, Boolean tunnelUp) {
    String name = r.name();
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
}
