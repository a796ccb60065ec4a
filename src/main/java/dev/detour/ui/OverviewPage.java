package dev.detour.ui;

import dev.detour.api.ReadsOutlastReopen;
import dev.detour.history.HistoryStore;
import dev.detour.incident.Incident;
import dev.detour.incident.IncidentView;
import dev.detour.incident.Incidents;
import dev.detour.route.RouteSwitches;
import dev.detour.route.RouteSync;
import dev.detour.route.RouterStatus;
import dev.detour.state.MonitorView;
import dev.detour.state.WatchStates;
import dev.detour.verdict.WatchState;
import dev.detour.watch.GroupService;
import dev.detour.watch.GroupView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The overview: how many watches are in each state, by group; what became blocked lately; a banner
 * while a mass block is under way; the vantages, the tunnel and the routers. It refreshes itself
 * when any of that changes.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class OverviewPage {

  /** How far back a mass block keeps its banner up while its members stay blocked. */
  static final Duration MASS_BANNER = Duration.ofHours(24);

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance overview(Overview o);
  }

  /** One group's row of the state table. */
  public record GroupRow(
      String name, long total, long up, long down, long blocked, long unknown, long disabled) {}

  /** A mass block still under way: its incident and how many of its watches are blocked now. */
  public record MassBlock(IncidentView incident, long stillBlocked) {}

  public record Overview(
      MonitorView monitor,
      long total,
      Map<WatchState, Long> states,
      long disabled,
      List<GroupRow> groups,
      List<IncidentView> recent,
      MassBlock mass,
      List<RouterStatus> routers,
      RouteSwitches.State switches,
      HistoryCharts.Tallies trend) {

    public long count(String state) {
      return states.getOrDefault(WatchState.valueOf(state.toUpperCase(java.util.Locale.ROOT)), 0L);
    }
  }

  private final WatchStates monitor;
  private final Incidents incidents;
  private final GroupService groups;
  private final RouteSync routes;
  private final RouteSwitches switches;
  private final HistoryStore history;

  /** How far back the Overview's chart of blocked and down watches goes. */
  static final Duration TREND = Duration.ofDays(7);

  public OverviewPage(
      WatchStates monitor,
      Incidents incidents,
      GroupService groups,
      RouteSync routes,
      RouteSwitches switches,
      HistoryStore history) {
    this.history = history;
    this.monitor = monitor;
    this.incidents = incidents;
    this.groups = groups;
    this.routes = routes;
    this.switches = switches;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public TemplateInstance overview() {
    return Templates.overview(build()).data("nav", "overview");
  }

  Overview build() {
    Map<String, Map<WatchState, Long>> byGroup = monitor.countsByGroup();
    Map<String, Long> disabledByGroup = groups.disabledByGroup();
    Map<WatchState, Long> states = new EnumMap<>(WatchState.class);
    List<GroupRow> rows = new ArrayList<>();
    long total = 0;
    long disabled = 0;
    for (GroupView g : groups.list()) {
      Map<WatchState, Long> s = byGroup.getOrDefault(g.name(), Map.of());
      long up = s.getOrDefault(WatchState.UP, 0L);
      long down = s.getOrDefault(WatchState.DOWN, 0L);
      long blocked = s.getOrDefault(WatchState.BLOCKED, 0L);
      long off = disabledByGroup.getOrDefault(g.name(), 0L);
      // Enabled watches not probed since this start count as unknown; disabled ones apart (a
      // watch just disabled keeps its state until its group's next round drops it).
      long unknown = Math.max(0, g.watchCount() - off - up - down - blocked);
      rows.add(new GroupRow(g.name(), g.watchCount(), up, down, blocked, unknown, off));
      disabled += off;
      states.merge(WatchState.UP, up, Long::sum);
      states.merge(WatchState.DOWN, down, Long::sum);
      states.merge(WatchState.BLOCKED, blocked, Long::sum);
      states.merge(WatchState.UNKNOWN, unknown, Long::sum);
      total += g.watchCount();
    }
    rows.sort((a, b) -> Long.compare(b.blocked(), a.blocked()));
    List<IncidentView> recent = incidents.recentBlocks(10).stream().map(IncidentView::of).toList();
    return new Overview(
        monitor.monitor(),
        total,
        states,
        disabled,
        rows,
        recent,
        mass(),
        routes.statuses().stream().map(RouterStatus::summary).toList(),
        switches.get(),
        trend());
  }

  /** Watches blocked and down every five minutes of the last week; null before two counts. */
  private HistoryCharts.Tallies trend() {
    long now = Instant.now().getEpochSecond();
    long start = now - TREND.getSeconds();
    List<long[]> points = new ArrayList<>();
    for (HistoryStore.Tally t : history.tallies(start)) {
      points.add(
          new long[] {
            t.at(),
            t.counts().getOrDefault(WatchState.BLOCKED, 0L),
            t.counts().getOrDefault(WatchState.DOWN, 0L)
          });
    }
    return points.size() < 2 ? null : HistoryCharts.tallies(points, start, now);
  }

  private MassBlock mass() {
    // The ISP's allowlist mode, while it is on, before any mass block.
    Incident latest =
        incidents
            .openAllowlist()
            .orElseGet(
                () ->
                    incidents
                        .latest(Incident.Kind.MASS_BLOCK, Instant.now().minus(MASS_BANNER))
                        .orElse(null));
    if (latest == null) {
      return null;
    }
    List<Long> members =
        incidents.members(latest.id).stream().map(i -> i.watchId).filter(id -> id != null).toList();
    long still =
        monitor.statuses(members).values().stream()
            .filter(v -> v.state() == WatchState.BLOCKED)
            .count();
    return still == 0 ? null : new MassBlock(IncidentView.of(latest), still);
  }
}
