package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.http.HttpRule;
import dev.detour.probe.tcp.TcpRule;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.WatchState;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The per-watch series as a scrape reads them: written from the live watches, nothing kept. */
class WatchMetersTest {

  static String scrape(List<WatchRuntime> watches) throws Exception {
    return scrape(watches, 20_000);
  }

  static String scrape(List<WatchRuntime> watches, int max) throws Exception {
    CollectorRegistry registry = new CollectorRegistry();
    registry.register(new WatchMeters(() -> watches, max));
    StringWriter out = new StringWriter();
    TextFormat.write004(out, registry.metricFamilySamples());
    return out.toString();
  }

  @Test
  void aBlockedWatchHasItsStateItsMethodAndItsLatencies() throws Exception {
    Instant now = Instant.now();
    WatchRuntime blocked =
        new WatchRuntime(
            1,
            "149.154.164.0/22",
            "telegram",
            new Tracker(WatchState.BLOCKED, TcpRule.TCP_RST_INJECTED, now, null, 0, null));
    WatchMeters meters = new WatchMeters(() -> List.of(blocked), 20_000);
    meters.method(blocked, TcpRule.TCP_RST_INJECTED);
    blocked.history.record(1, now.getEpochSecond(), WatchState.BLOCKED, false, 12.5, 80.0);
    WatchRuntime up =
        new WatchRuntime(
            2, "example.org", "web", new Tracker(WatchState.UP, null, now, null, 0, null));

    String text = scrape(List.of(blocked, up));

    assertThat(text)
        .contains(
            "detour_watch_state{group=\"telegram\",state=\"blocked\",watch=\"149.154.164.0/22\",} 1.0",
            "detour_watch_state{group=\"telegram\",state=\"up\",watch=\"149.154.164.0/22\",} 0.0",
            "detour_watch_state{group=\"web\",state=\"up\",watch=\"example.org\",} 1.0",
            "detour_watch_block_method{group=\"telegram\",method=\"tcp_rst_injected\","
                + "watch=\"149.154.164.0/22\",} 1.0",
            "detour_watch_latency_seconds{group=\"telegram\",vantage=\"local\","
                + "watch=\"149.154.164.0/22\",} 0.0125",
            "detour_watch_latency_seconds{group=\"telegram\",vantage=\"control\","
                + "watch=\"149.154.164.0/22\",} 0.08");
    assertThat(text.lines().filter(l -> l.startsWith("detour_watch_state{")))
        .as("one series per state and watch")
        .hasSize(2 * WatchState.values().length);
    assertThat(text).doesNotContain("method=\"tcp_rst_injected\",watch=\"example.org\"");
  }

  @Test
  void aClearedBlockKeepsItsMethodSeriesAtZeroAndAGoneWatchTakesItsSeries() throws Exception {
    Instant now = Instant.now();
    WatchRuntime rt =
        new WatchRuntime(
            3, "rutracker.org", "lab", new Tracker(WatchState.UP, null, now, null, 0, null));
    new WatchMeters(List::of, 20_000).method(rt, HttpRule.HTTP_BLOCKPAGE);
    rt.methods = Set.of();

    assertThat(scrape(List.of(rt)))
        .contains(
            "detour_watch_block_method{group=\"lab\",method=\"http_blockpage\","
                + "watch=\"rutracker.org\",} 0.0");
    assertThat(scrape(List.of())).doesNotContain("rutracker.org");
  }

  @Test
  void pastTheLimitOnlyWatchesThatAreNotUpKeepTheirSeries() throws Exception {
    Instant now = Instant.now();
    List<WatchRuntime> watches = new java.util.ArrayList<>();
    for (int i = 0; i < 5; i++) {
      WatchState s = i == 1 || i == 3 ? WatchState.BLOCKED : WatchState.UP;
      watches.add(
          new WatchRuntime(
              i,
              "198.51.100." + i,
              "lab",
              new Tracker(
                  s, s == WatchState.UP ? null : TcpRule.TCP_BLACKHOLE, now, null, 0, null)));
    }
    String all = scrape(watches, 5);
    assertThat(all).contains("detour_watch_series_omitted 0.0", "watch=\"198.51.100.4\"");

    String some = scrape(watches, 4);
    assertThat(some)
        .contains(
            "detour_watch_series_omitted 3.0",
            // The counts stay whole.
            "detour_watches{group=\"lab\",state=\"up\",} 3.0",
            "detour_watches{group=\"lab\",state=\"blocked\",} 2.0",
            "detour_watches{group=\"lab\",state=\"down\",} 0.0",
            "detour_watch_state{group=\"lab\",state=\"blocked\",watch=\"198.51.100.1\",} 1.0",
            "detour_watch_state{group=\"lab\",state=\"blocked\",watch=\"198.51.100.3\",} 1.0")
        .doesNotContain("198.51.100.0", "198.51.100.2", "198.51.100.4");

    // More watches that are not up than the limit: the limit still holds.
    String fewer = scrape(watches, 1);
    assertThat(fewer).contains("detour_watch_series_omitted 4.0");
    assertThat(fewer.lines().filter(l -> l.startsWith("detour_watch_state{"))).hasSize(4);
  }
}
