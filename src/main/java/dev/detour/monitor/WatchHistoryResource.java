package dev.detour.monitor;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.history.Histories;
import dev.detour.history.HistoryStore;
import dev.detour.history.Stretch;
import dev.detour.watch.Watch;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * One watch's history: its rounds of the last day or two, five-minute buckets before, the shares of
 * its rounds by state — what the watch page draws, for scripts and other dashboards.
 */
@Path("/api/watches/{id: [0-9]+}/history")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Status")
@ReadsOutlastReopen
public class WatchHistoryResource {

  private final HistoryStore store;
  private final HistoryKeeper keeper;
  private final MonitorConfig config;

  public WatchHistoryResource(HistoryStore store, HistoryKeeper keeper, MonitorConfig config) {
    this.store = store;
    this.keeper = keeper;
    this.config = config;
  }

  /** A stretch as the API shows it: times, the worst state, counts, delays in ms. */
  public record Item(
      Instant from,
      Instant to,
      String state,
      int up,
      int down,
      int blocked,
      int unknown,
      int forged,
      Double localMillis,
      Double controlMillis) {}

  /** The history over {@code hours}: shares of measured rounds (null without any) and stretches. */
  public record History(
      long watchId,
      Instant from,
      Instant to,
      long rounds,
      Double upPercent,
      Double blockedPercent,
      Double downPercent,
      List<Item> stretches) {}

  @GET
  @Operation(
      summary =
          "A watch's rounds (the last day or two) and five-minute buckets (older) over the last"
              + " hours, with the shares of its rounds by state")
  @Transactional
  public History history(
      @PathParam("id") long id, @QueryParam("hours") @DefaultValue("24") int hours) {
    int most = config.historyDays() * 24;
    if (hours < 1 || hours > most) {
      throw ProblemException.invalidField(
          "Invalid history span",
          "hours",
          "must be between 1 and " + most + " (detour.monitor.history-days)");
    }
    if (Watch.findById(id) == null) {
      throw ProblemException.notFound("no watch " + id);
    }
    long now = Instant.now().getEpochSecond();
    long from = now - hours * 3600L;
    List<Stretch> all =
        Histories.joined(
            store.read(id, from),
            keeper.unstored(List.of(id)).getOrDefault(id, List.of()).stream()
                .filter(s -> s.from() >= from)
                .toList(),
            now);
    long up = 0;
    long down = 0;
    long blocked = 0;
    long unknown = 0;
    for (Stretch s : all) {
      up += s.up();
      down += s.down();
      blocked += s.blocked();
      unknown += s.unknown();
    }
    long measured = up + down + blocked;
    return new History(
        id,
        Instant.ofEpochSecond(from),
        Instant.ofEpochSecond(now),
        measured + unknown,
        percent(up, measured),
        percent(blocked, measured),
        percent(down, measured),
        all.stream()
            .map(
                s ->
                    new Item(
                        Instant.ofEpochSecond(s.from()),
                        Instant.ofEpochSecond(s.to()),
                        s.state().label(),
                        s.up(),
                        s.down(),
                        s.blocked(),
                        s.unknown(),
                        s.forged(),
                        s.localMillis(),
                        s.controlMillis()))
            .toList());
  }

  private static Double percent(long part, long whole) {
    return whole == 0 ? null : Math.round(1000.0 * part / whole) / 10.0;
  }
}
