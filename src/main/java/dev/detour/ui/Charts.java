package dev.detour.ui;

import dev.detour.probe.Rendering;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.probe.trace.TraceHop;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The small drawings of the watch page, computed here and drawn as inline SVG by the template. */
public final class Charts {

  private Charts() {}

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
