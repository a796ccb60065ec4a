package dev.detour.monitor;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.QueryParams;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
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
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
public class IncidentResource {

  private final ObjectMapper json;

  public IncidentResource(ObjectMapper json) {
    this.json = json;
  }

  /** An incident as listed; the detail adds its evidence, censor trace and members. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record IncidentView(
      long id,
      String kind,
      Long watch,
      String group,
      String target,
      String from,
      String to,
      String method,
      Double confidence,
      Instant at,
      Instant firstBadAt,
      Double detectionSeconds,
      String summary,
      Long parent,
      Integer members,
      String capture,
      JsonNode censor,
      JsonNode evidence,
      List<IncidentView> memberIncidents) {}

  @GET
  @Operation(
      summary = "Incidents, newest first",
      description =
          "Filters: watch (id), kind (state_change, mass_block, vantage_offline, …), since"
              + " (ISO instant). Members of a mass block are left out unless members=true."
              + " The total is in X-Total-Count.")
  @Transactional
  public Response list(
      @QueryParam("watch") Long watch,
      @QueryParam("kind") String kind,
      @QueryParam("since") String since,
      @QueryParam("members") @DefaultValue("false") boolean members,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("50") int size) {
    List<FieldError> errors = new ArrayList<>();
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (watch != null) {
      where.add("watchId = :watch");
      params.and("watch", watch);
    }
    Set<Incident.Kind> kinds = QueryParams.enums(kind, Incident.Kind.class, "kind", errors);
    if (kinds != null) {
      where.add("kind in :kinds");
      params.and("kinds", kinds.stream().map(Enum::name).toList());
    }
    if (since != null) {
      try {
        params.and("since", Instant.parse(since));
        where.add("at >= :since");
      } catch (DateTimeParseException e) {
        errors.add(FieldError.field("since", "an ISO-8601 instant, e.g. 2026-11-25T08:00:00Z"));
      }
    }
    if (!members) {
      where.add("parentId is null");
    }
    QueryParams.page(page, size, 500, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid incident query", errors);
    }
    String query = String.join(" and ", where);
    var found =
        where.isEmpty()
            ? Incident.<Incident>findAll(Sort.descending("at", "id"))
            : Incident.<Incident>find(query, Sort.descending("at", "id"), params);
    long total = found.count();
    List<IncidentView> items =
        found.page(Page.of(page, size)).list().stream().map(i -> view(i, false)).toList();
    return Response.ok(items).header("X-Total-Count", total).build();
  }

  @GET
  @Path("{id: [0-9]+}")
  @Operation(summary = "An incident with its evidence, the censor's location and its members")
  @Transactional
  public IncidentView get(@PathParam("id") long id) {
    Incident incident = Incident.findById(id);
    if (incident == null) {
      throw ProblemException.notFound("no incident " + id);
    }
    return view(incident, true);
  }

  private IncidentView view(Incident i, boolean detail) {
    List<IncidentView> memberViews = null;
    if (detail && Incident.Kind.MASS_BLOCK.name().equals(i.kind)) {
      memberViews =
          Incident.<Incident>find("parentId", Sort.ascending("at", "id"), i.id).list().stream()
              .map(m -> view(m, false))
              .toList();
    }
    return new IncidentView(
        i.id,
        i.kind.toLowerCase(Locale.ROOT),
        i.watchId,
        i.group,
        i.target,
        lower(i.fromState),
        lower(i.toState),
        lower(i.method),
        i.confidence,
        i.at,
        i.firstBadAt,
        i.firstBadAt == null ? null : (i.at.toEpochMilli() - i.firstBadAt.toEpochMilli()) / 1000.0,
        i.summary,
        i.parentId,
        i.members,
        i.capture,
        detail ? tree(i.censor) : null,
        detail ? tree(i.evidence) : null,
        memberViews);
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
