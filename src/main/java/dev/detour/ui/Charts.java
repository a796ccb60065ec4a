package dev.detour.ui;

import dev.detour.incident.Incident;
import dev.detour.probe.Rendering;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.probe.trace.TraceHop;
import dev.detour.state.LatencySample;
import dev.detour.verdict.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The small drawings of the watch page, computed here and drawn as inline SVG by the template. */
public final class Charts {

  private Charts() {}

  /** A stretch of time in one state, as a share (0..100) of the timeline's width. */
  public record Segment(double x, double width, String state, String title) {}

  /** The state timeline: from {@code from} to now, one segment per state held. */
  public record Timeline(String from, List<Segment> segments, int changes) {}

  /**
   * The timeline over {@code span} from the watch's changes (oldest first) and its state now.
   * Before the first change in the window the watch was in that change's "from" state.
   */
  public static Timeline timeline(List<Incident> changes, WatchState now, Duration span) {
    Instant end = Instant.now();
    Instant start = end.minus(span);
    List<Segment> segments = new ArrayList<>();
    String state =
        changes.isEmpty()
            ? now.label()
            : changes.get(0).fromState == null
                ? "unknown"
                : changes.get(0).fromState.toLowerCase(Locale.ROOT);
    Instant at = start;
    for (Incident c : changes) {
      Instant when = c.at.isBefore(start) ? start : c.at;
      add(segments, start, end, at, when, state);
      at = when;
      state = c.toState == null ? "unknown" : c.toState.toLowerCase(Locale.ROOT);
    }
    add(segments, start, end, at, end, state);
    return new Timeline(UiExtensions.stamp(start), segments, changes.size());
  }

  private static void add(
      List<Segment> segments, Instant start, Instant end, Instant from, Instant to, String state) {
    double total = Duration.between(start, end).toMillis();
    double x = Duration.between(start, from).toMillis() / total * 100;
    double w = Duration.between(from, to).toMillis() / total * 100;
    if (w > 0) {
      segments.add(
          new Segment(
              round(x),
              round(Math.max(w, 0.3)),
              state,
              state
                  + " from "
                  + UiExtensions.stamp(from)
                  + " for "
                  + UiExtensions.span(Duration.between(from, to))));
    }
  }

  /** One round's mark under the latency lines: its state's colour. */
  public record Band(double x, double width, String state) {}

  /**
   * The latency chart: SVG paths for the first answer here and through the control vantage (gaps
   * where nothing answered), the rounds' states, and the scale.
   */
  public record Latency(
      String local, String control, List<Band> bands, String max, int rounds, String from) {}

  static final double WIDTH = 600;
  static final double HEIGHT = 120;

  public static Latency latency(List<LatencySample> samples) {
    if (samples.isEmpty()) {
      return new Latency("", "", List.of(), "0", 0, null);
    }
    double max = 1;
    for (LatencySample s : samples) {
      if (s.localMillis() != null) {
        max = Math.max(max, s.localMillis());
      }
      if (s.controlMillis() != null) {
        max = Math.max(max, s.controlMillis());
      }
    }
    max = nice(max);
    double step = samples.size() == 1 ? WIDTH : WIDTH / (samples.size() - 1);
    StringBuilder local = new StringBuilder();
    StringBuilder control = new StringBuilder();
    List<Band> bands = new ArrayList<>();
    boolean localOpen = false;
    boolean controlOpen = false;
    for (int i = 0; i < samples.size(); i++) {
      LatencySample s = samples.get(i);
      double x = round(i * step);
      localOpen = point(local, x, s.localMillis(), max, localOpen);
      controlOpen = point(control, x, s.controlMillis(), max, controlOpen);
      bands.add(new Band(round(Math.max(0, x - step / 2)), round(step), s.state().label()));
    }
    return new Latency(
        local.toString(),
        control.toString(),
        bands,
        String.format(Locale.ROOT, "%.0f", max),
        samples.size(),
        UiExtensions.ago(samples.get(0).at()));
  }

  private static boolean point(StringBuilder path, double x, Double ms, double max, boolean open) {
    if (ms == null) {
      return false;
    }
    double y = round(HEIGHT - ms / max * HEIGHT);
    path.append(open ? " L" : (path.length() == 0 ? "M" : " M")).append(x).append(' ').append(y);
    if (!open) {
      // A lone point still shows: a dot-sized stroke.
      path.append(" l0.1 0");
    }
    return true;
  }

  /** 1, 2, 5, 10, 20, 50 … : the smallest such at or above {@code v}. */
  static double nice(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }

  /** One hop of the path to the target. */
  public record Hop(int ttl, String router, boolean reset, boolean host, boolean censor) {}

  /** The path from here to the target with the censor's hop marked. */
  public record PathView(
      String target,
      int port,
      String offending,
      int censorHop,
      String censorRouter,
      List<Hop> hops) {}

  /** The path of a traced block, or null. */
  public static PathView path(CensorLocation censor) {
    if (censor == null || censor.hops() == null) {
      return null;
    }
    List<Hop> hops = new ArrayList<>();
    for (TraceHop h : censor.hops()) {
      hops.add(
          new Hop(
              h.ttl(),
              h.router(),
              h.reset(),
              h.ttl() == censor.hostHop(),
              h.ttl() == censor.censorHop()));
    }
    return new PathView(
        censor.target(),
        censor.port(),
        censor.offending(),
        censor.censorHop(),
        censor.censorRouter(),
        hops);
  }

  /**
   * A probe's curve from both vantages on one scale, as SVG paths in a 300 × 80 box: {@code here}
   * and {@code control} (empty when that side drew none); the axes' ends in words.
   */
  public record Flow(
      String kind, String here, String control, String seconds, String most, String unit) {}

  static final double FLOW_WIDTH = 300;
  static final double FLOW_HEIGHT = 80;

  /** Bytes over time here and through the control, on the scale of the larger. */
  public static Flow flow(String kind, List<Rendering.Point> here, List<Rendering.Point> there) {
    long maxX = 1;
    long maxY = 1;
    for (List<Rendering.Point> side : List.of(here, there)) {
      for (Rendering.Point p : side) {
        maxX = Math.max(maxX, p.millis());
        maxY = Math.max(maxY, p.value());
      }
    }
    return new Flow(
        kind,
        polyline(here, maxX, maxY),
        polyline(there, maxX, maxY),
        String.format(Locale.ROOT, "%.1f s", maxX / 1000.0),
        String.format(Locale.ROOT, "%,d", maxY),
        "bytes");
  }

  /** A polyline from (0, 0) through the points, scaled into the box; empty without points. */
  static String polyline(List<Rendering.Point> points, long maxX, long maxY) {
    if (points.isEmpty()) {
      return "";
    }
    StringBuilder d = new StringBuilder("M0 ").append(coordinate(FLOW_HEIGHT));
    for (Rendering.Point p : points) {
      d.append(" L")
          .append(coordinate(p.millis() * FLOW_WIDTH / maxX))
          .append(' ')
          .append(coordinate(FLOW_HEIGHT - p.value() * FLOW_HEIGHT / maxY));
    }
    return d.toString();
  }

  private static String coordinate(double v) {
    return String.format(Locale.ROOT, "%.1f", v);
  }
}
