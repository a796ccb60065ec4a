package dev.detour.alert;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Alerting over HTTP: the channels and how they fare, the messages sent and failed, a test message,
 * a failed message tried again, and maintenance windows (silences).
 */
@Path("/api/alerts")
@Produces(MediaType.APPLICATION_JSON)
@ReadsOutlastReopen
public class AlertResource {

  private final AlertService service;
  private final SecurityIdentity identity;

  public AlertResource(AlertService service, SecurityIdentity identity) {
    this.service = service;
    this.identity = identity;
  }

  @GET
  @Path("/channels")
  @Operation(summary = "The configured channels, their rules and how their deliveries fare")
  public List<AlertService.ChannelView> channels() {
    return service.channels();
  }

  /** The answer to a test: the message's id, to look for in the deliveries. */
  public record Queued(long delivery, String channel) {}

  @POST
  @Path("/channels/{name}/test")
  @Operation(summary = "Send a test message to a channel (past its filters and quiet hours)")
  public Response test(@PathParam("name") String name) {
    long id = service.test(name, actor());
    return Response.accepted(new Queued(id, name)).build();
  }

  @GET
  @Path("/deliveries")
  @Operation(
      summary = "Messages, newest first",
      description = "status: pending, sent, failed or silenced; channel: one channel's only.")
  public List<AlertService.DeliveryView> deliveries(
      @QueryParam("channel") String channel,
      @QueryParam("status") String status,
      @QueryParam("size") @DefaultValue("100") int size) {
    return service.deliveries(channel, status, size);
  }

  @POST
  @Path("/deliveries/{id}/retry")
  @Operation(summary = "Try a failed message again")
  public AlertService.DeliveryView retry(@PathParam("id") long id) {
    return service.retry(id);
  }

  /** A new maintenance window: from now (or {@code startsAt}) for a duration or until endsAt. */
  public record SilenceInput(
      Instant startsAt,
      Instant endsAt,
      Duration duration,
      String group,
      String target,
      String comment) {}

  @GET
  @Path("/silences")
  @Operation(summary = "Maintenance windows that have not ended")
  @Transactional
  public List<AlertService.SilenceView> silences() {
    return service.silences();
  }

  @POST
  @Path("/silences")
  @Consumes(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Start a maintenance window",
      description =
          "{\"duration\": \"PT2H\", \"group\": \"lab\", \"comment\": \"ISP maintenance\"}: messages"
              + " about that group (or target, or everything with neither) are recorded as"
              + " silenced, not sent.")
  public Response silence(SilenceInput input) {
    if (input == null) {
      throw ProblemException.invalid(
          "Invalid maintenance window",
          List.of(FieldError.field(null, "send {\"duration\": \"PT2H\"} or {\"endsAt\": …}")));
    }
    AlertService.SilenceView view = service.silence(input, actor());
    return Response.created(URI.create("/api/alerts/silences/" + view.id())).entity(view).build();
  }

  @DELETE
  @Path("/silences/{id}")
  @Operation(summary = "End a maintenance window now")
  public Response endSilence(@PathParam("id") long id) {
    service.endSilence(id);
    return Response.noContent().build();
  }

  private String actor() {
    return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
  }
}
