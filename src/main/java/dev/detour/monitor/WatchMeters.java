package dev.detour.monitor;

import dev.detour.metrics.Metrics;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-watch gauges of the design's metric contract, the kube-state-metrics way: {@code
 * detour_watch_state} with one series per state (1 for the current one), and {@code
 * detour_watch_block_method} with a series per method the watch has been blocked by (1 while it
 * holds), and {@code detour_watch_latency_seconds} per vantage (local, control: the latest round's
 * first answer). Labelled by the watch as written, so cardinality follows the watch list; a watch
 * that goes takes its series with it.
 */
final class WatchMeters {

  private final MeterRegistry meters;
  private final Map<Long, List<Meter>> byWatch = new ConcurrentHashMap<>();

  WatchMeters(MeterRegistry meters) {
    this.meters = meters;
  }

  void register(WatchRuntime rt) {
    List<Meter> list = new ArrayList<>();
    for (WatchState state : WatchState.values()) {
      list.add(
          Gauge.builder(Metrics.WATCH_STATE, rt, r -> r.state() == state ? 1 : 0)
              .description("1 for the watch's current state, 0 for the others")
              .tags("watch", rt.target, "group", rt.group, "state", state.label())
              .register(meters));
    }
    for (String vantage : new String[] {"local", "control"}) {
      boolean here = vantage.equals("local");
      list.add(
          Gauge.builder(Metrics.WATCH_LATENCY, rt, r -> r.latency.latestSeconds(here))
              .description("The latest round's first answer, here or through the control vantage")
              .baseUnit("seconds")
              .tags("watch", rt.target, "group", rt.group, "vantage", vantage)
              .register(meters));
    }
    byWatch.put(rt.id, list);
    if (rt.tracker.method() != null) {
      method(rt, rt.tracker.method());
    }
  }

  void method(WatchRuntime rt, BlockMethod method) {
    if (meters
            .find(Metrics.WATCH_BLOCK_METHOD)
            .tags("watch", rt.target, "group", rt.group, "method", method.label())
            .gauge()
        != null) {
      // Micrometer would warn of a second registration, once per block.
      return;
    }
    Meter gauge =
        Gauge.builder(
                Metrics.WATCH_BLOCK_METHOD,
                rt,
                r ->
                    r.state() == WatchState.BLOCKED
                            && (r.method() == method || r.methods.contains(method))
                        ? 1
                        : 0)
            .description("1 while a block with this method holds")
            .tags("watch", rt.target, "group", rt.group, "method", method.label())
            .register(meters);
    List<Meter> list = byWatch.computeIfAbsent(rt.id, id -> new ArrayList<>());
    synchronized (list) {
      if (!list.contains(gauge)) {
        list.add(gauge);
      }
    }
  }

  void unregister(long id) {
    List<Meter> list = byWatch.remove(id);
    if (list != null) {
      list.forEach(meters::remove);
    }
  }
}
