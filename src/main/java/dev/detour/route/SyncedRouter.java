package dev.detour.route;

import org.jboss.logging.Logger;

/**
 * A configured router as the sync keeps it: its settings, its connection (opened on first use and
 * dropped when it fails, so the next sync connects afresh) and how its latest sync went.
 */
final class SyncedRouter {

  private static final Logger LOG = Logger.getLogger(SyncedRouter.class);

  final RouterSettings settings;

  /** Used on the sync thread only. */
  private RouterBackend backend;

  volatile RouterStatus status;

  /** Whether a failing sync was recorded as an incident (and its recovery is owed). */
  volatile boolean failing;

  /** The tunnel as last recorded: null until first seen. */
  volatile Boolean tunnelUp;

  SyncedRouter(RouterSettings settings) {
    this.settings = settings;
    this.status = RouterStatus.never(settings);
  }

  String name() {
    return settings.name();
  }

  /** The connection to the router, opened now when there is none. */
  RouterBackend backend() {
    if (backend == null) {
      backend = settings.kind().open(settings);
    }
    return backend;
  }

  /** Drops the connection: after a failure its state is in doubt, and the next call opens anew. */
  void disconnect() {
    if (backend != null) {
      try {
        backend.close();
      } catch (RuntimeException e) {
        LOG.debugf("Closing a router connection: %s", e.getMessage());
      }
      backend = null;
    }
  }
}
