package dev.detour.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.api.ProblemException;
import dev.detour.monitor.Incident;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Incidents, newest first: state changes, mass blocks (one row, its watches inside), vantages going
 * offline and back; each with its evidence, the censor's path and the pcap of the round that
 * decided it.
 */
@Path("/incidents")
@Produces(MediaType.TEXT_HTML)
public class IncidentsPage {

  static final int PAGE_SIZE = 50;

  /** The kinds offered by the filter, as the API names them. */
  static final List<String> KINDS =
      List.of(
          "state_change",
          "mass_block",
          "vantage_offline",
          "vantage_online",
          "control_offline",
          "control_online");

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        List<Row> incidents, String kind, String to, List<String> kinds, int page, int pages);

    static native TemplateInstance detail(
        Incident incident,
        String detection,
        EvidenceView evidence,
        Charts.PathView path,
        List<Incident> members,
        Incident parent);
  }

  /** One row of the list: the incident and, for a mass block, how many watches it groups. */
  public record Row(Incident incident, String kind, String from, String to, String method) {}

  private final ObjectMapper json;

  public IncidentsPage(ObjectMapper json) {
    this.json = json;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public Response list(
      @QueryParam("kind") String kind,
      @QueryParam("to") String to,
      @QueryParam("page") @DefaultValue("0") int page) {
    StringBuilder where = new StringBuilder("parentId is null");
    Map<String, Object> params = new HashMap<>();
    if (kind != null && !kind.isBlank()) {
      if (!KINDS.contains(kind)) {
        throw ProblemException.invalidField("Invalid filter", "kind", "one of " + KINDS);
      }
      where.append(" and kind = :kind");
      params.put("kind", kind.toUpperCase(Locale.ROOT));
    }
    if (to != null && !to.isBlank()) {
      if (!UiGlobals.states.contains(to)) {
        throw ProblemException.invalidField("Invalid filter", "to", "one of " + UiGlobals.states);
      }
      where.append(" and toState = :to");
      params.put("to", to.toUpperCase(Locale.ROOT));
    }
    Parameters p = new Parameters();
    params.forEach(p::and);
    var found = Incident.<Incident>find(where.toString(), Sort.descending("at", "id"), p);
    long total = found.count();
    int pages = (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
    List<Row> rows =
        found.page(Page.of(Math.max(0, page), PAGE_SIZE)).list().stream()
            .map(
                i ->
                    new Row(
                        i,
                        i.kind.toLowerCase(Locale.ROOT).replace('_', ' '),
                        lower(i.fromState),
                        lower(i.toState),
                        lower(i.method)))
            .toList();
    return Forms.page(
        Templates.list(rows, kind, to, KINDS, Math.max(0, page), pages).data("nav", "incidents"),
        200);
  }

  @GET
  @Path("{id: \\d+}")
  @Operation(hidden = true)
  @Transactional
  public TemplateInstance detail(@PathParam("id") long id) {
    Incident i = Incident.findById(id);
    if (i == null) {
      throw ProblemException.notFound("no incident " + id);
    }
    List<Incident> members =
        Incident.Kind.MASS_BLOCK.name().equals(i.kind)
            ? Incident.<Incident>find("parentId", Sort.ascending("at", "id"), i.id).list()
            : List.of();
    Incident parent = i.parentId == null ? null : Incident.findById(i.parentId);
    String detection =
        i.firstBadAt == null
            ? null
            : UiExtensions.span(Duration.between(i.firstBadAt, i.at))
                + " after the first bad round ("
                + UiExtensions.stamp(i.firstBadAt)
                + ")";
    return Templates.detail(
            i,
            detection,
            EvidenceView.of(tree(i.evidence), json),
            Charts.path(tree(i.censor)),
            members,
            parent)
        .data("nav", "incidents");
  }

  private JsonNode tree(String text) {
    if (text == null) {
      return null;
    }
    try {
      return json.readTree(text);
    } catch (IOException e) {
      return null;
    }
  }

  private static String lower(String s) {
    return s == null ? null : s.toLowerCase(Locale.ROOT);
  }
}
