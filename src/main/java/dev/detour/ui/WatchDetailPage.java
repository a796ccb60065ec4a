package dev.detour.ui;

import dev.detour.api.ReadsOutlastReopen;
import dev.detour.incident.Incident;
import dev.detour.incident.IncidentView;
import dev.detour.incident.Incidents;
import dev.detour.probe.Probes;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStates;
import dev.detour.watch.WatchService;
import dev.detour.watch.WatchView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * One watch: its state and why, the state's timeline over the last week, the latency of the last
 * rounds here and through the control, the latest evidence from both vantages side by side, the
 * path to the censor, the pcap files, its recent incidents. Live: it refreshes when anything
 * changes.
 */
@Path("/watches/{id: \\d+}")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class WatchDetailPage {

  static final Duration TIMELINE = Duration.ofDays(7);

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance detail(
        WatchView watch,
        WatchRuntimeView status,
        Charts.Timeline timeline,
        Charts.Latency latency,
        EvidenceView evidence,
        Charts.PathView path,
        List<IncidentView> incidents,
        String notice);
  }

  private final WatchService watches;
  private final WatchStates statuses;
  private final Incidents incidents;
  private final StoredRounds rounds;
  private final Probes probes;

  public WatchDetailPage(
      WatchService watches,
      WatchStates statuses,
      Incidents incidents,
      StoredRounds rounds,
      Probes probes) {
    this.watches = watches;
    this.incidents = incidents;
    this.statuses = statuses;
    this.rounds = rounds;
    this.probes = probes;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public TemplateInstance detail(@PathParam("id") long id, @QueryParam("notice") String notice) {
    return page(
        id,
        switch (notice == null ? "" : notice) {
          case "added" -> ADDED;
          case "saved" -> "Saved.";
          default -> null;
        });
  }

  static final String ADDED = "Watch added: its first round runs within its group's interval.";

  /**
   * The page with {@code said} in its banner: what a write changed of what the user typed is told
   * here, on the page the write leads to, never read back from the URL.
   */
  @Transactional
  public TemplateInstance page(long id, String said) {
    WatchView watch = watches.get(id);
    WatchRuntimeView status = statuses.status(id);
    List<Incident> changes = incidents.changesOf(id, Instant.now().minus(TIMELINE));
    List<IncidentView> recent = incidents.ofWatch(id, 10).stream().map(IncidentView::of).toList();
    return Templates.detail(
            watch,
            status,
            Charts.timeline(changes, status.state(), TIMELINE),
            Charts.latency(statuses.latency(id)),
            EvidenceView.of(rounds.round(status.evidence()), probes),
            Charts.path(status.censor()),
            recent,
            said)
        .data("nav", "watches");
  }
}
