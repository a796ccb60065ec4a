package dev.detour.monitor;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.state.WatchRuntimeView;
import dev.detour.watch.Watch;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One watch's status in full: state, method, since, confidence, the rounds that may change it, the
 * latest round's reasons and evidence from both vantages, sub-verdicts and the censor's hop.
 */
@Path("/api/watches/{id: [0-9]+}/status")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Status")
@ReadsOutlastReopen
public class WatchStatusResource {

  private final Statuses statuses;

  public WatchStatusResource(Statuses statuses) {
    this.statuses = statuses;
  }

  @GET
  @Operation(summary = "A watch's state, method, since, confidence, evidence and censor hop")
  @Transactional
  public WatchRuntimeView status(@PathParam("id") long id) {
    if (Watch.findById(id) == null) {
      throw ProblemException.notFound("no watch " + id);
    }
    return statuses.status(id);
  }
}
