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

  private Metrics() {}
}
