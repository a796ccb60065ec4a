package dev.detour.route;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Route push: the routers and their plans, syncs on demand (or as a dry run), the switches, pins
 * and exclusions, what watches want routed, and the audit log.
 */
@Path("/api/routes")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Routes", description = "Routers, plans, pins, exclusions, audit log")
@ReadsOutlastReopen
public class RouteResource {

  private final RouteActions actions;

  public RouteResource(RouteActions actions) {
    this.actions = actions;
  }

  /** The overview: switches and each router's latest sync. */
  public record Overview(RouteSwitches.State switches, List<RouterStatus> routers) {}

  @GET
  @Operation(summary = "Switches and every router's latest sync, without the long lists")
  public Overview overview() {
    return new Overview(
        actions.switches(), actions.statuses().stream().map(RouterStatus::summary).toList());
  }

  @GET
  @Path("/routers/{name}")
  @Operation(
      summary = "One router as of its latest sync",
      description =
          "Desired routes (first 5,000), collateral, what guard rails fenced, what is still to"
              + " add or remove, wanted prefixes the user's own routes carry.")
  public RouterStatus router(@PathParam("name") String name) {
    return actions.status(name);
  }

  @POST
  @Path("/routers/{name}/plan")
  @Operation(summary = "Plan a router's sync now and show it, changing nothing (dry run)")
  public RouterStatus plan(@PathParam("name") String name) {
    return actions.sync(name, true).get(0);
  }

  @POST
  @Path("/routers/{name}/sync")
  @Operation(summary = "Sync a router now (a dry run while dry-run is on)")
  public RouterStatus syncOne(@PathParam("name") String name) {
    return actions.sync(name, false).get(0);
  }

  @POST
  @Path("/sync")
  @Operation(summary = "Sync every router now")
  public List<RouterStatus> syncAll() {
    return actions.sync(null, false).stream().map(RouterStatus::summary).toList();
  }

  /** The "test connection" answer. */
  public record Connection(String router, String answer) {}

  @POST
  @Path("/routers/{name}/test")
  @Operation(summary = "Test the connection to a router (502 with the reason when it fails)")
  public Connection test(@PathParam("name") String name) {
    return new Connection(name, actions.test(name));
  }

  @GET
  @Path("/switches")
  @Operation(summary = "The kill switch and dry run")
  public RouteSwitches.State getSwitches() {
    return actions.switches();
  }

  @PUT
  @Path("/switches")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Flip the kill switch or dry run",
      description =
          "killSwitch=true withdraws every route Detour made and adds none; dryRun=true plans"
              + " and shows changes without making them. Takes effect at once.")
  public RouteSwitches.State putSwitches(RouteSwitches.State wanted) {
    if (wanted == null || (wanted.killSwitch() == null && wanted.dryRun() == null)) {
      throw ProblemException.invalidField(
          "Invalid switches",
          null,
          "send {\"killSwitch\": true|false} and/or {\"dryRun\": true|false}");
    }
    return actions.switches(wanted);
  }

  @GET
  @Path("/{kind: pins|exclusions}")
  @Operation(
      summary = "Pins (always routed unless a guard rail forbids it) or exclusions (never routed)")
  @Transactional
  public List<RouteRules.View> rules(@PathParam("kind") String kind) {
    return actions.rules(kind(kind));
  }

  @POST
  @Path("/{kind: pins|exclusions}")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Pin or exclude a prefix: {\"prefix\": \"149.154.164.0/22\", \"note\": \"…\"}")
  public Response addRule(@PathParam("kind") String kind, RouteRules.Input input) {
    RouteRules.View view = actions.addRule(kind(kind), input);
    return Response.created(URI.create("/api/routes/" + kind + "/" + view.id()))
        .entity(view)
        .build();
  }

  @DELETE
  @Path("/{kind: pins|exclusions}/{id}")
  @Operation(summary = "Remove a pin or exclusion (configured ones are changed in the config)")
  public Response deleteRule(@PathParam("kind") String kind, @PathParam("id") long id) {
    actions.deleteRule(kind(kind), id);
    return Response.noContent().build();
  }

  private static RouteRule.Kind kind(String path) {
    return path.equals("pins") ? RouteRule.Kind.PIN : RouteRule.Kind.EXCLUSION;
  }

  /** A prefix a watch wants routed. */
  public record ClaimView(
      long watch,
      String prefix,
      String reason,
      boolean verified,
      Instant since,
      Instant seenAt,
      Instant releasedAt) {}

  @GET
  @Path("/claims")
  @Operation(
      summary = "What blocked watches want routed, and why",
      description =
          "releasedAt: the watch cleared and the route goes after its group's grace. verified:"
              + " the block was confirmed through the tunnel.")
  @Transactional
  public List<ClaimView> claims(
      @QueryParam("limit") @DefaultValue("1000") int limit,
      @QueryParam("offset") @DefaultValue("0") int offset) {
    if (limit < 1 || limit > 10000 || offset < 0) {
      throw ProblemException.invalidField(
          "Invalid query", "limit", "limit is 1 to 10000 and offset 0 or more");
    }
    return RouteClaim.<RouteClaim>find("order by key.watchId, key.prefix")
        .range(offset, offset + limit - 1)
        .list()
        .stream()
        .map(
            c ->
                new ClaimView(
                    c.key.watchId(),
                    c.key.prefix(),
                    c.reason,
                    c.verified,
                    c.since,
                    c.seenAt,
                    c.releasedAt))
        .toList();
  }

  @GET
  @Path("/audit")
  @Operation(summary = "The audit log, newest first: every change, check and switch")
  @Transactional
  public List<RouteAuditLog.Line> audit(
      @QueryParam("router") String router, @QueryParam("limit") @DefaultValue("200") int limit) {
    if (limit < 1 || limit > 10000) {
      throw ProblemException.invalidField("Invalid query", "limit", "limit is 1 to 10000");
    }
    return actions.audit(router, limit);
  }

  @POST
  @Path("/tunnel")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Write the configuration of a GRE tunnel's two ends",
      description =
          "From serverAddress and routerAddress (and optional tunnelNetwork, serverInterface,"
              + " lanPrefix, tunnelName, routerOs 6|7, detourHost, routerApi): text for the"
              + " Linux server, the MikroTik and Detour itself, to copy.")
  public TunnelHelper.Output tunnel(TunnelHelper.Input input) {
    return TunnelHelper.generate(input);
  }
}
