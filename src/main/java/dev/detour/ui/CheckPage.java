package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.monitor.IspCheck;
import dev.detour.probe.Probes;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.smallrye.mutiny.Multi;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * "Ask my ISP": a target probed now from the browser. Each probe kind's result comes to the page as
 * a server-sent event the moment both sides have it, then the verdict and the evidence drawn as on
 * a watch's page, with one click to watch it.
 */
@Path("/check")
@Produces(MediaType.TEXT_HTML)
public class CheckPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance form(String target, String error);

    static native TemplateInstance check(
        IspCheck.Check check, List<StepView> steps, EvidenceView ev);

    static native TemplateInstance step(StepView s);
  }

  /** One kind's row: its result here and through the control vantage (null: none). */
  public record StepView(
      String kind, EvidenceView.ProbeBlock here, EvidenceView.ProbeBlock control) {}

  /** How long the page's event stream lasts at most. */
  static final Duration STREAM = Duration.ofMinutes(3);

  private final IspCheck checks;
  private final Probes probes;
  private final UiContext ui;

  public CheckPage(IspCheck checks, Probes probes, UiContext ui) {
    this.checks = checks;
    this.probes = probes;
    this.ui = ui;
  }

  @GET
  @Operation(hidden = true)
  public TemplateInstance form() {
    AdminsOnly.require(ui, "Probing a target", "/");
    return Templates.form(null, null).data("nav", "check");
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response start(@FormParam("target") String target) {
    AdminsOnly.require(ui, "Probing a target", "/");
    try {
      IspCheck.Check check = checks.start(target);
      return Forms.page(page(check), 200);
    } catch (ProblemException e) {
      return Forms.page(
          Templates.form(target, Forms.errors(e, "").getOrDefault("target", e.getMessage()))
              .data("nav", "check"),
          e.status());
    }
  }

  @GET
  @Path("{id: [0-9a-f]+}")
  @Operation(hidden = true)
  public TemplateInstance show(@PathParam("id") String id) {
    return page(find(id));
  }

  private TemplateInstance page(IspCheck.Check check) {
    EvidenceView ev = check.result() == null ? null : EvidenceView.of(check.result(), probes);
    return Templates.check(check, check.steps().stream().map(this::view).toList(), ev)
        .data("nav", "check");
  }

  private IspCheck.Check find(String id) {
    IspCheck.Check check = checks.get(id);
    if (check == null) {
      throw ProblemException.notFound(
          "no check " + id + " (checks are kept ten minutes): start another at /check");
    }
    return check;
  }

  StepView view(IspCheck.Step s) {
    return new StepView(
        s.kind().label(),
        s.here() == null ? null : EvidenceView.probe(s.here(), null, probes),
        s.control() == null ? null : EvidenceView.probe(s.control(), null, probes));
  }

  /**
   * The check's kinds as they end ({@code step}: a table row), then {@code done}; the stream ends
   * there (or after {@link #STREAM}). A browser that connects late gets the rows so far first.
   */
  @GET
  @Path("{id: [0-9a-f]+}/events")
  @Produces(MediaType.SERVER_SENT_EVENTS)
  @Operation(hidden = true)
  public Multi<OutboundSseEvent> events(@PathParam("id") String id, @Context Sse sse) {
    IspCheck.Check check = find(id);
    return Multi.createFrom()
        .deferred(
            () -> {
              int[] sent = {0};
              boolean[] over = {false};
              return Multi.createFrom()
                  .ticks()
                  .every(Duration.ofMillis(150))
                  .select()
                  .first(STREAM)
                  .select()
                  .first(t -> !over[0])
                  .onItem()
                  .transformToIterable(
                      t -> {
                        List<OutboundSseEvent> out = new ArrayList<>();
                        boolean done = check.done();
                        List<IspCheck.Step> steps = check.steps();
                        for (; sent[0] < steps.size(); sent[0]++) {
                          String row =
                              Templates.step(view(steps.get(sent[0]))).render().replace('\n', ' ');
                          out.add(sse.newEventBuilder().name("step").data(row).build());
                        }
                        if (done) {
                          out.add(sse.newEventBuilder().name("done").data(check.id()).build());
                          over[0] = true;
                        }
                        return out;
                      });
            });
  }
}
