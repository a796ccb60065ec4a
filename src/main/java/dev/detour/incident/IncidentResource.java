package dev.detour.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.QueryParams;
import dev.detour.api.ReadsOutlastReopen;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Incidents, newest first: watches changing state (with their evidence and pcap), mass blocks (one
 * incident whose members are the watches' own changes; listed once unless {@code members=true}),
 * and this vantage or the control going offline and back.
 */
@Path("/api/incidents")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Incidents", description = "State changes, mass blocks, vantages offline")
@ReadsOutlastReopen
public class IncidentResource {

  private final Incidents incidents;
  private final ObjectMapper json;

  public IncidentResource(Incidents incidents, ObjectMapper json) {
    this.incidents = incidents;
    this.json = json;
  }

  @GET
  @Operation(
      summary = "Incidents, newest first",
      description =
          "Filters: watch (id), kind (state_change, mass_block, allowlist_mode, allowlist_lifted, vantage_offline, …), since"
              + " (ISO instant). Members of a mass block are left out unless members=true."
              + " The total is in X-Total-Count.")
  public Response list(
      @QueryParam("watch") Long watch,
      @QueryParam("kind") String kind,
      @QueryParam("since") String since,
      @QueryParam("members") @DefaultValue("false") boolean members,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size) {
    List<FieldError> errors = new ArrayList<>();
    Set<Incident.Kind> kinds = QueryParams.enums(kind, Incident.Kind.class, "kind", errors);
    Instant from = null;
    if (since != null) {
      try {
        from = Instant.parse(since);
      } catch (DateTimeParseException e) {
        errors.add(FieldError.field("since", "an ISO-8601 instant, e.g. 2026-11-25T08:00:00Z"));
      }
    }
    QueryParams.page(page, size, 500, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid incident query", errors);
    }
    Incidents.Found found =
        incidents.find(new Incidents.Query(watch, kinds, from, null, members), page, size);
    return Response.ok(found.items().stream().map(IncidentView::of).toList())
        .header("X-Total-Count", found.total())
        .build();
  }

  @GET
  @Path("{id: [0-9]+}")
  @Operation(summary = "An incident with its evidence, the censor's location and its members")
  public IncidentView get(@PathParam("id") long id) {
    Incident incident =
        incidents.get(id).orElseThrow(() -> ProblemException.notFound("no incident " + id));
    List<IncidentView> members =
        Incidents.grouping(incident)
            ? incidents.members(id).stream().map(IncidentView::of).toList()
            : null;
    return IncidentView.of(incident, json, members);
  }
}
