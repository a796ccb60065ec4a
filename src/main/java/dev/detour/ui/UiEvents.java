package dev.detour.ui;

import dev.detour.incident.Incidents;
import dev.detour.route.RouteSync;
import dev.detour.route.RouterStatus;
import dev.detour.state.MonitorView;
import dev.detour.state.WatchStates;
import dev.detour.system.Periodic;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.Objects;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Live pages: a server-sent event {@code changed} whenever what the pages show moves — a watch's
 * state, a new incident, the vantages, a router's sync — so open pages refresh the parts that
 * listen ({@code hx-trigger="sse:changed"}) without a reload. One check a second for everyone,
 * however many browsers listen; a comment every 20 s keeps proxies from closing quiet streams.
 */
@Path("/ui/events")
@ApplicationScoped
public class UiEvents {

  private final WatchStates monitor;
  private final RouteSync routes;
  private final Incidents incidents;
  private final BroadcastProcessor<String> changes = BroadcastProcessor.create();
  private volatile String last = "";

  public UiEvents(WatchStates monitor, RouteSync routes, Incidents incidents) {
    this.monitor = monitor;
    this.routes = routes;
    this.incidents = incidents;
  }

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(hidden = true)
  public Multi<OutboundSseEvent> stream(@Context Sse sse) {
    Multi<OutboundSseEvent> changed =
        changes.map(d -> sse.newEventBuilder().name("changed").data(d).build());
    Multi<OutboundSseEvent> alive =
        Multi.createFrom()
            .ticks()
            .every(Duration.ofSeconds(20))
            .map(t -> sse.newEventBuilder().comment("alive").build());
    Multi<OutboundSseEvent> hello =
        Multi.createFrom().item(() -> sse.newEventBuilder().name("hello").data(last).build());
    return Multi.createBy().merging().streams(hello, changed, alive);
  }

  private volatile boolean stopping;

  void onStop(@Observes ShutdownEvent event) {
    stopping = true;
  }

  /** Every node tells its own browsers, every second. */
  void onStart(@Observes StartupEvent event, Periodic periodic) {
    periodic.every("ui-events", Duration.ofSeconds(2), Duration.ofSeconds(1), this::check);
  }

  void check() {
    if (stopping) {
      // The database is going away: nothing to tell the browsers that are going away too.
      return;
    }
    String now = digest();
    if (!now.equals(last)) {
      last = now;
      changes.onNext(now);
    }
  }

  /** What the live parts show, in a few numbers: any change of them is worth a refresh. */
  String digest() {
    MonitorView m = monitor.monitor();
    Long incident = incidents.newest();
    StringBuilder d =
        new StringBuilder()
            .append(m.states())
            .append(m.vantageOnline())
            .append(m.controlOnline())
            .append(incident);
    for (RouterStatus r : routes.statuses()) {
      d.append(r.name())
          .append(r.syncedAt())
          .append(r.error())
          .append(r.tunnelUp())
          .append(r.applied())
          .append(r.pendingAddCount());
    }
    return Integer.toHexString(Objects.hash(d.toString()));
  }
}
