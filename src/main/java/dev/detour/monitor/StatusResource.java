package dev.detour.monitor;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.QueryParams;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.state.MonitorView;
import dev.detour.state.WatchRuntimeView;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import dev.detour.watch.Watch;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * What Detour believes about each watch: {@code /api/watches/{id}/status} in full (reasons,
 * sub-verdicts, latest evidence from both vantages, the censor's hop), {@code /api/status} for many
 * at once, and {@code /api/monitor} for the vantages and the rounds.
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Status", description = "Verdicts: up, down or blocked, and how")
@ReadsOutlastReopen
public class StatusResource {

  private final Statuses statuses;

  public StatusResource(Statuses statuses) {
    this.statuses = statuses;
  }

  /** One row of {@code /api/status}. */
  public record StatusRow(long id, String target, String group, WatchRuntimeView status) {}

  @GET
  @Path("status")
  @Operation(
      summary = "States of many watches, filtered by state, method or group",
      description = "The total count of matches is in the X-Total-Count header.")
  @Transactional
  public Response list(
      @QueryParam("state") String state,
      @QueryParam("method") String method,
      @QueryParam("group") String group,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("size") @DefaultValue("100") int size) {
    List<FieldError> errors = new ArrayList<>();
    Set<WatchState> states = QueryParams.enums(state, WatchState.class, "state", errors);
    Set<BlockMethod> methods =
        QueryParams.values(method, BlockMethod::of, BlockMethod.labels(), "method", errors);
    QueryParams.page(page, size, 1000, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid status query", errors);
    }
    List<Watch> all =
        group == null
            ? Watch.list("order by id")
            : Watch.list("group.name = ?1 order by id", group);
    Map<Long, WatchRuntimeView> views = statuses.statuses(all.stream().map(w -> w.id).toList());
    List<StatusRow> rows = new ArrayList<>();
    for (Watch w : all) {
      WatchRuntimeView v = views.get(w.id);
      if ((states == null || states.contains(v.state()))
          && (methods == null || (v.method() != null && methods.contains(v.method())))) {
        rows.add(new StatusRow(w.id, w.target, w.group.name, v.summary()));
      }
    }
    List<StatusRow> pageRows = rows.stream().skip((long) page * size).limit(size).toList();
    return Response.ok(pageRows).header("X-Total-Count", rows.size()).build();
  }

  @GET
  @Path("monitor")
  @Operation(summary = "The monitor: uplink, control vantage, states, rounds")
  public MonitorView monitor() {
    return statuses.monitor();
  }
}
