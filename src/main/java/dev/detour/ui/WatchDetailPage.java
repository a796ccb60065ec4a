package dev.detour.ui;

import dev.detour.api.ReadsOutlastReopen;
import dev.detour.history.Stretch;
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
 * One watch: its state and why, its history (strips over a day, a week and a month with shares by
 * state, the last rounds as heartbeat bars, the last day's latency here and through the control),
 * the latest evidence from both vantages side by side, the path to the censor, the pcap files, its
 * recent incidents. Live: it refreshes when anything changes.
 */
@Path("/watches/{id: \\d+}")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class WatchDetailPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance detail(
        WatchView watch,
        WatchRuntimeView status,
        List<HistoryCharts.Strip> strips,
        List<HistoryCharts.Beat> beats,
        HistoryCharts.Latency latency,
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
  private final WatchHistories histories;

  public WatchDetailPage(
      WatchService watches,
      WatchStates statuses,
      Incidents incidents,
      StoredRounds rounds,
      Probes probes,
      WatchHistories histories) {
    this.histories = histories;
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
    Instant now = Instant.now();
    List<Stretch> history = histories.of(id, Duration.ofDays(30));
    List<Stretch> day =
        history.stream().filter(s -> s.from() >= now.getEpochSecond() - 86_400).toList();
    List<IncidentView> recent = incidents.ofWatch(id, 10).stream().map(IncidentView::of).toList();
    return Templates.detail(
            watch,
            status,
            List.of(
                HistoryCharts.strip(
                    "Last 24 hours", history, watch.createdAt(), now, Duration.ofDays(1)),
                HistoryCharts.strip(
                    "Last 7 days", history, watch.createdAt(), now, Duration.ofDays(7)),
                HistoryCharts.strip(
                    "Last 30 days", history, watch.createdAt(), now, Duration.ofDays(30))),
            HistoryCharts.beats(day, 60),
            HistoryCharts.latency(day, now.getEpochSecond()),
            EvidenceView.of(rounds.round(status.evidence()), probes),
            Charts.path(status.censor()),
            recent,
            said)
        .data("nav", "watches");
  }
}
