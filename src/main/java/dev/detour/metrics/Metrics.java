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

  /**
   * Gauge per watch and state (up, down, blocked, unknown): 1 for the current state, else 0. The
   * per-watch gauges are written at each scrape by one collector, so they carry Prometheus names.
   */
  public static final String WATCH_STATE = "detour_watch_state";

  /** Gauge per watch and method: 1 while a block with that method holds. */
  public static final String WATCH_BLOCK_METHOD = "detour_watch_block_method";

  /**
   * Gauge per watch and vantage (local, control): the latest round's first answer in seconds, NaN
   * when nothing answered.
   */
  public static final String WATCH_LATENCY = "detour_watch_latency_seconds";

  /**
   * Gauge per host watch and vantage (local, control): the bytes a second its page came at in the
   * latest transfer, NaN when it did not flow (frozen, failed).
   */
  public static final String WATCH_GOODPUT = "detour_watch_goodput_bytes_per_second";

  /** Gauge per group and state: how many watches are in it, every watch counted. */
  public static final String WATCHES = "detour_watches";

  /**
   * Gauge: watches left without per-watch series because there are more than {@code
   * detour.monitor.watch-series-max}.
   */
  public static final String WATCH_SERIES_OMITTED = "detour_watch_series_omitted";

  /** Histogram: from the first bad round to the blocked verdict. */
  public static final String DETECTION_LATENCY = "detour.detection.latency";

  /** Histogram per group: how long a round of probing took. */
  public static final String ROUND_DURATION = "detour.round.duration";

  /** Counter per group: rounds (or a watch's part of one) that could not finish in the interval. */
  public static final String ROUND_OVERRUNS = "detour.round.overruns";

  /** Counter per group: watches probed again to confirm a change ({@code recheck-after}). */
  public static final String ROUND_RECHECKS = "detour.round.rechecks";

  /** Gauge: 1 while this host's uplink works, 0 while it is offline. */
  public static final String VANTAGE_UP = "detour.vantage.up";

  /** Gauge: 1 while the control vantage answers, 0 while it does not (or there is none). */
  public static final String CONTROL_UP = "detour.control.up";

  /** Gauge: 1 while the ISP's allowlist mode is on (everything abroad cut but a list), else 0. */
  public static final String ALLOWLIST_MODE = "detour.allowlist.mode";

  /** Gauge per router and state (desired, applied, failed): routes as of the latest sync. */
  public static final String ROUTES = "detour.routes";

  /** Counter per router, action (add, remove) and outcome (ok, error). */
  public static final String ROUTE_CHANGES = "detour.route.changes";

  /** Gauge per router: 1 when its latest sync worked, 0 when it failed (NaN before the first). */
  public static final String ROUTER_SYNC_OK = "detour.router.sync.ok";

  /** Gauge per router: 1 while its tunnel is up, 0 while down (NaN while unknown). */
  public static final String ROUTER_TUNNEL_UP = "detour.router.tunnel.up";

  /** Counter per alert channel and outcome (sent, retry, failed, silenced). */
  public static final String ALERT_DELIVERIES = "detour.alert.deliveries";

  /** Gauge per alert channel: messages waiting to be sent (held, backing off or due). */
  public static final String ALERT_PENDING = "detour.alert.pending";

  /** Gauge per alert channel: 1 when its latest delivery worked (or none was tried), else 0. */
  public static final String ALERT_CHANNEL_UP = "detour.alert.channel.up";

  private Metrics() {}
}
