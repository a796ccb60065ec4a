package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.Probes;
import dev.detour.watch.GroupInput;
import dev.detour.watch.GroupService;
import dev.detour.watch.GroupView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.BeanParam;
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
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Groups and their defaults: how often their watches are probed, with which probes, whether their
 * blocks are routed through the tunnel and how long routes stay after a block clears.
 */
@Path("/watches/groups")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@ReadsOutlastReopen
public class GroupsPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance groups(
        List<GroupView> groups,
        List<String> allProbes,
        String editing,
        Map<String, String> form,
        Map<String, String> errors,
        String notice);
  }

  private final GroupService groups;
  private final Probes probes;

  public GroupsPage(GroupService groups, Probes probes) {
    this.groups = groups;
    this.probes = probes;
  }

  @GET
  @Operation(hidden = true)
  public TemplateInstance list(@QueryParam("notice") String notice) {
    return page(null, Map.of(), Map.of(), notice);
  }

  @POST
  @Operation(hidden = true)
  public Response create(@FormParam("name") String name, @BeanParam GroupForm sent) {
    Map<String, String> form = sent.fields(name);
    try {
      groups.create(sent.input(name));
      return Forms.seeOther(notice("Group " + name.strip() + " created."));
    } catch (ProblemException e) {
      return Forms.page(page("", form, Forms.errors(e, ""), null), e.status());
    }
  }

  @POST
  @Path("{name}")
  @Operation(hidden = true)
  public Response update(@PathParam("name") String name, @BeanParam GroupForm sent) {
    Map<String, String> form = sent.fields(name);
    try {
      groups.update(name, sent.input(name));
      return Forms.seeOther(notice("Group " + name + " saved."));
    } catch (ProblemException e) {
      return Forms.page(page(name, form, Forms.errors(e, ""), null), e.status());
    }
  }

  @POST
  @Path("{name}/delete")
  @Operation(hidden = true)
  public Response delete(@PathParam("name") String name) {
    try {
      groups.delete(name, true);
      return Forms.seeOther(notice("Group " + name + " and its watches deleted."));
    } catch (ProblemException e) {
      return Forms.page(page(name, Map.of(), Forms.errors(e, ""), null), e.status());
    }
  }

  private static String notice(String text) {
    return "/watches/groups?notice=" + URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private TemplateInstance page(
      String editing, Map<String, String> form, Map<String, String> errors, String notice) {
    return Templates.groups(
            groups.list(),
            probes.kinds().stream().map(ProbeKind::label).toList(),
            editing,
            form,
            errors,
            notice)
        .data("nav", "watches");
  }

  /** The group form as sent, by creating and editing alike (the name comes apart). */
  public static class GroupForm {
    @FormParam("description")
    String description;

    @FormParam("interval")
    String interval;

    @FormParam("probes")
    List<String> probes;

    @FormParam("routeBlocked")
    String routeBlocked;

    @FormParam("routeWithdraw")
    String routeWithdraw;

    @FormParam("routeQuicBlocks")
    String routeQuicBlocks;

    @FormParam("families")
    String families;

    Map<String, String> fields(String name) {
      Map<String, String> m = form(name, description, interval, routeBlocked, routeWithdraw);
      if (routeQuicBlocks != null) {
        m.put("routeQuicBlocks", "on");
      }
      m.put("families", Forms.nz(families));
      return m;
    }

    GroupInput input(String name) {
      Integer seconds = null;
      if (interval != null && !interval.isBlank()) {
        try {
          seconds = Integer.parseInt(interval.strip());
        } catch (NumberFormatException e) {
          throw ProblemException.invalidField(
              "Invalid group",
              "intervalSeconds",
              "the interval is a number of seconds, e.g. 60, or empty for the default");
        }
      }
      Set<ProbeKind> kinds = Forms.probes(probes);
      return new GroupInput(
          name,
          description == null || description.isBlank() ? null : description,
          seconds,
          kinds,
          routeBlocked != null,
          routeWithdraw,
          routeQuicBlocks != null,
          families == null || families.isBlank() ? null : families);
    }
  }

  private static Map<String, String> form(
      String name, String description, String interval, String routeBlocked, String withdraw) {
    Map<String, String> m = new HashMap<>();
    m.put("name", Forms.nz(name));
    m.put("description", Forms.nz(description));
    m.put("interval", Forms.nz(interval));
    m.put("routeWithdraw", Forms.nz(withdraw));
    if (routeBlocked != null) {
      m.put("routeBlocked", "on");
    }
    return m;
  }
}
