package dev.detour.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.monitor.Incident;
import dev.detour.monitor.Statuses;
import dev.detour.monitor.WatchRuntimeView;
import dev.detour.watch.WatchService;
import dev.detour.watch.WatchView;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
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
        List<Incident> incidents,
        String notice);
  }

  private final WatchService watches;
  private final Statuses statuses;
  private final ObjectMapper json;

  public WatchDetailPage(WatchService watches, Statuses statuses, ObjectMapper json) {
    this.watches = watches;
    this.statuses = statuses;
    this.json = json;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public TemplateInstance detail(@PathParam("id") long id, @QueryParam("notice") String notice) {
    WatchView watch = watches.get(id);
    WatchRuntimeView status = statuses.of(id);
    List<Incident> changes =
        Incident.<Incident>find(
                "watchId = ?1 and kind = ?2 and at > ?3",
                Sort.ascending("at", "id"),
                id,
                Incident.Kind.STATE_CHANGE.name(),
                Instant.now().minus(TIMELINE))
            .list();
    List<Incident> incidents =
        Incident.<Incident>find("watchId", Sort.descending("at", "id"), id)
            .page(Page.ofSize(10))
            .list();
    String said =
        switch (notice == null ? "" : notice) {
          case "added" -> "Watch added: its first round runs within its group's interval.";
          case "saved" -> "Saved.";
          default -> null;
        };
    return Templates.detail(
            watch,
            status,
            Charts.timeline(changes, status.state(), TIMELINE),
            Charts.latency(statuses.latency(id)),
            status.evidence() == null
                ? null
                : EvidenceView.of(json.valueToTree(status.evidence()), json),
            Charts.path(status.censor() == null ? null : json.valueToTree(status.censor())),
            incidents,
            said)
        .data("nav", "watches");
  }
}
