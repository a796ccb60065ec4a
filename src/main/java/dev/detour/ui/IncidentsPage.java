package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.incident.Incident;
import dev.detour.incident.IncidentView;
import dev.detour.incident.Incidents;
import dev.detour.probe.Probes;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Incidents, newest first: state changes, mass blocks (one row, its watches inside), vantages going
 * offline and back; each with its evidence, the censor's path and the pcap of the round that
 * decided it.
 */
@Path("/incidents")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class IncidentsPage {

  static final int PAGE_SIZE = 50;

  /** The kinds offered by the filter, as the API names them. */
  static final List<String> KINDS =
      List.of(
          "state_change",
          "mass_block",
          "allowlist_mode",
          "allowlist_lifted",
          "vantage_offline",
          "vantage_online",
          "control_offline",
          "control_online");

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        List<IncidentView> incidents,
        String kind,
        String to,
        List<String> kinds,
        int page,
        int pages);

    static native TemplateInstance detail(
        IncidentView incident,
        String detection,
        EvidenceView evidence,
        Charts.PathView path,
        List<IncidentView> members,
        IncidentView parent);
  }

  private final Incidents incidents;
  private final StoredRounds rounds;
  private final Probes probes;

  public IncidentsPage(Incidents incidents, StoredRounds rounds, Probes probes) {
    this.incidents = incidents;
    this.rounds = rounds;
    this.probes = probes;
  }

  @GET
  @Operation(hidden = true)
  public Response list(
      @QueryParam("kind") String kind,
      @QueryParam("to") String to,
      @QueryParam("page") @DefaultValue("0") int page) {
    Set<Incident.Kind> kinds = null;
    if (kind != null && !kind.isBlank()) {
      if (!KINDS.contains(kind)) {
        throw ProblemException.invalidField("Invalid filter", "kind", "one of " + KINDS);
      }
      kinds = Set.of(Incident.Kind.valueOf(kind.toUpperCase(Locale.ROOT)));
    }
    if (to != null && !to.isBlank()) {
      if (!UiGlobals.states.contains(to)) {
        throw ProblemException.invalidField("Invalid filter", "to", "one of " + UiGlobals.states);
      }
    } else {
      to = null;
    }
    Incidents.Found found =
        incidents.find(
            new Incidents.Query(null, kinds, null, to, false), Math.max(0, page), PAGE_SIZE);
    int pages = (int) Math.max(1, (found.total() + PAGE_SIZE - 1) / PAGE_SIZE);
    List<IncidentView> rows = found.items().stream().map(IncidentView::of).toList();
    return Forms.page(
        Templates.list(rows, kind, to, KINDS, Math.max(0, page), pages).data("nav", "incidents"),
        200);
  }

  @GET
  @Path("{id: \\d+}")
  @Operation(hidden = true)
  public TemplateInstance detail(@PathParam("id") long id) {
    Incident i =
        incidents.get(id).orElseThrow(() -> ProblemException.notFound("no incident " + id));
    List<IncidentView> members =
        Incidents.grouping(i)
            ? incidents.members(i.id).stream().map(IncidentView::of).toList()
            : List.of();
    IncidentView parent =
        i.parentId == null ? null : incidents.get(i.parentId).map(IncidentView::of).orElse(null);
    String detection =
        i.firstBadAt == null
            ? null
            : UiExtensions.span(Duration.between(i.firstBadAt, i.at))
                + " after the first bad round ("
                + UiExtensions.stamp(i.firstBadAt)
                + ")";
    return Templates.detail(
            IncidentView.of(i),
            detection,
            EvidenceView.of(rounds.round(i.evidence), probes),
            Charts.path(rounds.censor(i.censor)),
            members,
            parent)
        .data("nav", "incidents");
  }
}
