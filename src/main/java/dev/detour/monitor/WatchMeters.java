package dev.detour.monitor;

import dev.detour.metrics.Metrics;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The per-watch gauges of the design's metric contract, the kube-state-metrics way: {@code
 * detour_watch_state} with one series per state (1 for the current one), {@code
 * detour_watch_block_method} with a series per method the watch has been blocked by since start (1
 * while it holds), {@code detour_watch_latency_seconds} per vantage (local, control: the latest
 * round's first answer), and {@code detour_watch_goodput_bytes_per_second} per vantage for a host
 * whose page a transfer fetched. Labelled by the watch as written, so cardinality follows the watch
 * list; a watch that goes takes its series with it.
 *
 * <p>Written at each scrape from the monitor's live watches, as one collector: a meter object per
 * series (seven per watch) cost more memory than the watches themselves at 100,000 watches.
 *
 * <p>Past {@code detour.monitor.watch-series-max} watches only those that are not up keep their
 * series (up to that many), and {@code detour_watch_series_omitted} says how many were left out: at
 * 100,000 watches every series made a scrape of 47 MB, whose writing alone needed more heap than a
 * 512 MB JVM had to spare (bench/run's capped case), and Prometheus pays for each series too.
 * Counts by group and state stay whole in {@code detour_watches}, written in the same pass.
 */
final class WatchMeters extends Collector {

  // Labels in alphabetical order, as Micrometer wrote them when these were meters.
  private static final List<String> STATE_LABELS = List.of("group", "state", "watch");
  private static final List<String> METHOD_LABELS = List.of("group", "method", "watch");
  private static final List<String> LATENCY_LABELS = List.of("group", "vantage", "watch");
  private static final List<String> COUNT_LABELS = List.of("group", "state");

  private final Supplier<Collection<WatchRuntime>> runtimes;
  private final int max;

  WatchMeters(Supplier<Collection<WatchRuntime>> runtimes, int max) {
    this.runtimes = runtimes;
    this.max = max;
  }

  /** Adds these series to the Prometheus registry behind {@code meters}, if there is one. */
  void registerWith(MeterRegistry meters) {
    if (meters instanceof PrometheusMeterRegistry prometheus) {
      prometheus.getPrometheusRegistry().register(this);
    } else if (meters instanceof CompositeMeterRegistry composite) {
      composite.getRegistries().forEach(this::registerWith);
    }
  }

  /** The watch is (or was) blocked by {@code method}: it gets that series from now on. */
  void method(WatchRuntime rt, BlockMethod method) {
    Set<BlockMethod> seen = rt.seenMethods;
    if (!seen.contains(method)) {
      Set<BlockMethod> more = new HashSet<>(Set.of(method));
      more.addAll(seen);
      rt.seenMethods = Set.copyOf(more);
    }
  }

  @Override
  public List<MetricFamilySamples> collect() {
    List<MetricFamilySamples.Sample> states = new ArrayList<>();
    List<MetricFamilySamples.Sample> methods = new ArrayList<>();
    List<MetricFamilySamples.Sample> latencies = new ArrayList<>();
    List<MetricFamilySamples.Sample> goodputs = new ArrayList<>();
    Collection<WatchRuntime> all = runtimes.get();
    boolean everyWatch = all.size() <= max;
    int shown = 0;
    int omitted = 0;
    Map<String, long[]> counts = new TreeMap<>();
    for (WatchRuntime rt : all) {
      WatchState current = rt.state();
      if (rt.group != null) {
        counts
            .computeIfAbsent(rt.group, g -> new long[WatchState.values().length])[
            current.ordinal()]++;
      }
      if (!everyWatch && (current == WatchState.UP || shown >= max)) {
        omitted++;
        continue;
      }
      shown++;
      String target = rt.target;
      String group = rt.group;
      for (WatchState state : WatchState.values()) {
        states.add(
            new MetricFamilySamples.Sample(
                Metrics.WATCH_STATE,
                STATE_LABELS,
                List.of(group, state.label(), target),
                current == state ? 1 : 0));
      }
      for (BlockMethod method : rt.seenMethods) {
        boolean holds =
            current == WatchState.BLOCKED && (rt.method() == method || rt.methods.contains(method));
        methods.add(
            new MetricFamilySamples.Sample(
                Metrics.WATCH_BLOCK_METHOD,
                METHOD_LABELS,
                List.of(group, method.label(), target),
                holds ? 1 : 0));
      }
      for (String vantage : new String[] {"local", "control"}) {
        latencies.add(
            new MetricFamilySamples.Sample(
                Metrics.WATCH_LATENCY,
                LATENCY_LABELS,
                List.of(group, vantage, target),
                rt.history.latestSeconds(vantage.equals("local"))));
      }
      WatchRuntime.Goodput goodput = rt.goodput;
      if (goodput != null) {
        goodputs.add(
            new MetricFamilySamples.Sample(
                Metrics.WATCH_GOODPUT,
                LATENCY_LABELS,
                List.of(group, "local", target),
                goodput.local()));
        goodputs.add(
            new MetricFamilySamples.Sample(
                Metrics.WATCH_GOODPUT,
                LATENCY_LABELS,
                List.of(group, "control", target),
                goodput.control()));
      }
    }
    List<MetricFamilySamples.Sample> watches = new ArrayList<>();
    counts.forEach(
        (group, n) -> {
          for (WatchState state : WatchState.values()) {
            watches.add(
                new MetricFamilySamples.Sample(
                    Metrics.WATCHES,
                    COUNT_LABELS,
                    List.of(group, state.label()),
                    n[state.ordinal()]));
          }
        });
    return List.of(
        new MetricFamilySamples(
            Metrics.WATCHES, Type.GAUGE, "Watches of each group in each state", watches),
        new MetricFamilySamples(
            Metrics.WATCH_STATE,
            Type.GAUGE,
            "1 for the watch's current state, 0 for the others",
            states),
        new MetricFamilySamples(
            Metrics.WATCH_BLOCK_METHOD,
            Type.GAUGE,
            "1 while a block with this method holds",
            methods),
        new MetricFamilySamples(
            Metrics.WATCH_LATENCY,
            Type.GAUGE,
            "The latest round's first answer, here or through the control vantage",
            latencies),
        new MetricFamilySamples(
            Metrics.WATCH_GOODPUT,
            Type.GAUGE,
            "The bytes a second a host's page came at in its latest transfer, here or through the"
                + " control vantage",
            goodputs),
        new MetricFamilySamples(
            Metrics.WATCH_SERIES_OMITTED,
            Type.GAUGE,
            "Watches left without per-watch series (more than detour.monitor.watch-series-max)",
            List.of(
                new MetricFamilySamples.Sample(
                    Metrics.WATCH_SERIES_OMITTED, List.of(), List.of(), omitted))));
  }
}
