package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.route.RouteActions;
import dev.detour.route.RouteAuditLog;
import dev.detour.route.RouteRule;
import dev.detour.route.RouteRules;
import dev.detour.route.RouteSwitches;
import dev.detour.route.RouterStatus;
import dev.detour.route.TunnelHelper;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * What Detour does to the routers: per router the routes wanted and applied, collateral and budget,
 * the next sync's plan, a plan-now and a sync-now button, a connection test; the dry-run and kill
 * switches; pins and exclusions; the audit log; and the tunnel helper that writes both ends'
 * config.
 */
@Path("/routes")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@ReadsOutlastReopen
public class RoutesPage {

  static final int AUDIT_LINES = 50;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance routes(
        List<RouterStatus> routers,
        RouteSwitches.State switches,
        List<Rules> rules,
        List<RouteAuditLog.Line> audit,
        Map<String, String> form,
        Map<String, String> errors,
        String notice,
        String problem,
        TunnelHelper.Output tunnel,
        List<TunnelField> tunnelFields,
        RouteSwitches.State confirming);
  }

  /** The pins or the exclusions, with the form keys of their "add" form. */
  public record Rules(String kind, String title, String button, List<RouteRules.View> items) {
    public String prefixKey() {
      return key() + "prefix";
    }

    public String noteKey() {
      return key() + "note";
    }

    public String formKey() {
      return key() + "form";
    }

    private String key() {
      return kind.equals("pins") ? "pin." : "exclusion.";
    }
  }

  /** One box of the tunnel helper's form. */
  public record TunnelField(String name, String label, String placeholder) {
    public String key() {
      return "tunnel." + name;
    }
  }

  static final List<TunnelField> TUNNEL_FIELDS =
      List.of(
          new TunnelField("serverAddress", "Server's public address", "203.0.113.10"),
          new TunnelField("routerAddress", "Router's public (WAN) address", "198.51.100.20"),
          new TunnelField("tunnelNetwork", "Tunnel network", "10.255.255.0/30"),
          new TunnelField("lanPrefix", "Your LAN", "192.168.88.0/24"),
          new TunnelField("serverInterface", "Server's outside interface", "eth0"),
          new TunnelField("tunnelName", "Tunnel name", "gre-tunnel1"),
          new TunnelField("detourHost", "Detour's LAN address (optional)", "192.168.88.2"),
          new TunnelField("routerApi", "Router's address as Detour reaches it", "192.168.88.1"));

  private final RouteActions actions;

  public RoutesPage(RouteActions actions) {
    this.actions = actions;
  }

  @GET
  @Operation(hidden = true)
  public TemplateInstance routes(@QueryParam("notice") String notice) {
    return page(Map.of(), Map.of(), notice, null, null, null);
  }

  @POST
  @Path("routers/{name}/plan")
  @Operation(hidden = true)
  public Response plan(@PathParam("name") String name) {
    return act(
        () -> {
          RouterStatus s = actions.sync(name, true).get(0);
          return name
              + ": the next sync adds "
              + s.pendingAddCount()
              + " and removes "
              + s.pendingRemoveCount()
              + " routes (nothing was changed).";
        });
  }

  @POST
  @Path("routers/{name}/sync")
  @Operation(hidden = true)
  public Response apply(@PathParam("name") String name) {
    return act(
        () -> {
          RouterStatus s = actions.sync(name, false).get(0);
          if (s.error() != null) {
            throw new ProblemException(
                502, "sync-failed", "Sync failed", name + ": " + s.error(), List.of(), 0);
          }
          return s.dryRun()
              ? name
                  + ": dry run is on, so nothing was pushed; "
                  + s.pendingAddCount()
                  + " to add, "
                  + s.pendingRemoveCount()
                  + " to remove. Switch dry run off to apply."
              : name + ": synced, " + s.applied() + " routes on the router.";
        });
  }

  @POST
  @Path("routers/{name}/test")
  @Operation(hidden = true)
  public Response test(@PathParam("name") String name) {
    return act(() -> name + " answers: " + actions.test(name));
  }

  @POST
  @Path("switches")
  @Operation(hidden = true)
  public Response switches(
      @FormParam("killSwitch") String killSwitch,
      @FormParam("dryRun") String dryRun,
      @FormParam("confirm") String confirm) {
    RouteSwitches.State wanted = new RouteSwitches.State(killSwitch != null, dryRun != null);
    if (wanted.killSwitch() && !actions.switches().killSwitch() && !"withdraw".equals(confirm)) {
      // Every route Detour made goes at once: one ticked box is not enough, the page asks again.
      int routes = actions.statuses().stream().mapToInt(RouterStatus::applied).sum();
      return Forms.page(
          page(
              Map.of(),
              Map.of(),
              null,
              "The kill switch withdraws every route Detour made ("
                  + routes
                  + " on the routers now) and adds none until it is off again. Confirm below, or"
                  + " leave the page to keep the routes.",
              null,
              wanted),
          409);
    }
    return act(
        () -> {
          RouteSwitches.State now = actions.switches(wanted);
          return "Kill switch "
              + (now.killSwitch() ? "on" : "off")
              + ", dry run "
              + (now.dryRun() ? "on" : "off")
              + ".";
        });
  }

  @POST
  @Path("{kind: pins|exclusions}")
  @Operation(hidden = true)
  public Response addRule(
      @PathParam("kind") String kind,
      @FormParam("prefix") String prefix,
      @FormParam("note") String note) {
    String key = kind.equals("pins") ? "pin." : "exclusion.";
    try {
      RouteRules.View v = actions.addRule(kind(kind), new RouteRules.Input(prefix, note));
      return Forms.seeOther(
          notice((kind.equals("pins") ? "Pinned " : "Excluded ") + v.prefix() + "."));
    } catch (ProblemException e) {
      Map<String, String> form = new HashMap<>();
      form.put(key + "prefix", Forms.nz(prefix));
      form.put(key + "note", Forms.nz(note));
      return Forms.page(page(form, Forms.errors(e, key), null, null, null, null), e.status());
    }
  }

  @POST
  @Path("{kind: pins|exclusions}/{id: \\d+}/delete")
  @Operation(hidden = true)
  public Response deleteRule(@PathParam("kind") String kind, @PathParam("id") long id) {
    return act(
        () -> {
          actions.deleteRule(kind(kind), id);
          return kind.equals("pins") ? "Pin removed." : "Exclusion removed.";
        });
  }

  @POST
  @Path("tunnel")
  @Operation(hidden = true)
  public Response tunnel(
      @FormParam("serverAddress") String serverAddress,
      @FormParam("routerAddress") String routerAddress,
      @FormParam("tunnelNetwork") String tunnelNetwork,
      @FormParam("lanPrefix") String lanPrefix,
      @FormParam("serverInterface") String serverInterface,
      @FormParam("tunnelName") String tunnelName,
      @FormParam("routerOs") String routerOs,
      @FormParam("detourHost") String detourHost,
      @FormParam("routerApi") String routerApi) {
    Map<String, String> form = new HashMap<>();
    form.put("serverAddress", Forms.nz(serverAddress));
    form.put("routerAddress", Forms.nz(routerAddress));
    form.put("tunnelNetwork", Forms.nz(tunnelNetwork));
    form.put("lanPrefix", Forms.nz(lanPrefix));
    form.put("serverInterface", Forms.nz(serverInterface));
    form.put("tunnelName", Forms.nz(tunnelName));
    form.put("routerOs", routerOs == null ? "7" : routerOs);
    form.put("detourHost", Forms.nz(detourHost));
    form.put("routerApi", Forms.nz(routerApi));
    try {
      TunnelHelper.Output out =
          TunnelHelper.generate(
              new TunnelHelper.Input(
                  blank(serverAddress),
                  blank(routerAddress),
                  blank(tunnelNetwork),
                  blank(serverInterface),
                  blank(lanPrefix),
                  blank(tunnelName),
                  "6".equals(routerOs) ? 6 : 7,
                  blank(detourHost),
                  blank(routerApi)));
      return Forms.page(page(prefixed(form), Map.of(), null, null, out, null), 200);
    } catch (ProblemException e) {
      return Forms.page(
          page(prefixed(form), Forms.errors(e, "tunnel."), null, null, null, null), 400);
    }
  }

  private static Map<String, String> prefixed(Map<String, String> form) {
    Map<String, String> m = new HashMap<>();
    form.forEach((k, v) -> m.put("tunnel." + k, v));
    return m;
  }

  private static String blank(String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }

  /** Runs an action; its sentence is the notice, or its problem the banner, on the page again. */
  private Response act(java.util.function.Supplier<String> action) {
    try {
      return Forms.page(page(Map.of(), Map.of(), action.get(), null, null, null), 200);
    } catch (ProblemException e) {
      return Forms.page(page(Map.of(), Map.of(), null, e.getMessage(), null, null), e.status());
    }
  }

  private static String notice(String text) {
    return "/routes?notice=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static RouteRule.Kind kind(String path) {
    return path.equals("pins") ? RouteRule.Kind.PIN : RouteRule.Kind.EXCLUSION;
  }

  private TemplateInstance page(
      Map<String, String> form,
      Map<String, String> errors,
      String notice,
      String problem,
      TunnelHelper.Output tunnel,
      RouteSwitches.State confirming) {
    return Templates.routes(
            actions.statuses(),
            actions.switches(),
            List.of(
                new Rules(
                    "pins", "Pinned — always routed", "Pin", actions.rules(RouteRule.Kind.PIN)),
                new Rules(
                    "exclusions",
                    "Excluded — never routed",
                    "Exclude",
                    actions.rules(RouteRule.Kind.EXCLUSION))),
            actions.audit(null, AUDIT_LINES),
            form,
            errors,
            notice,
            problem,
            tunnel,
            TUNNEL_FIELDS,
            confirming)
        .data("nav", "routes");
  }
}
