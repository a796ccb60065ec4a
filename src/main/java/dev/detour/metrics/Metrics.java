package dev.detour.metrics;

/**
 * Every meter name Detour publishes, in one place: dashboards, alert rules and outside checks
 * depend on them (docs/metrics.md, DESIGN.md "Metric names").
 */
public final class Metrics {

  /** Histogram per probe kind: {@code probe} = icmp, tcp_syn, http, tls, dns, trace. */
  public static final String PROBE_DURATION = "detour.probe.duration";

  /** Counter: {@code probe}, {@code outcome} = ok, unavailable, failed. */
  public static final String PROBES = "detour.probes";

  /** Gauge per watch and state (up, down, blocked, unknown): 1 for the current state, else 0. */
  public static final String WATCH_STATE = "detour.watch.state";

  /** Gauge per watch and method: 1 while a block with that method holds. */
  public static final String WATCH_BLOCK_METHOD = "detour.watch.block.method";

  /** Histogram: from the first bad round to the blocked verdict. */
  public static final String DETECTION_LATENCY = "detour.detection.latency";

  /** Histogram per group: how long a round of probing took. */
  public static final String ROUND_DURATION = "detour.round.duration";

  /** Counter per group: rounds (or a watch's part of one) that could not finish in the interval. */
  public static final String ROUND_OVERRUNS = "detour.round.overruns";

  /** Gauge: 1 while this host's uplink works, 0 while it is offline. */
  public static final String VANTAGE_UP = "detour.vantage.up";

  /** Gauge: 1 while the control vantage answers, 0 while it does not (or there is none). */
  public static final String CONTROL_UP = "detour.control.up";

  private Metrics() {}
}
