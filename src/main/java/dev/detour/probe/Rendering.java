package dev.detour.probe;

import java.util.List;

/**
 * A probe's evidence laid out for reading, the way the seed's author read tcpdump: a one-line
 * outcome, the packets or steps as lines, and — for a probe that watches something over time (a
 * transfer's bytes) — a curve, which the pages draw with the control vantage's beside it. Each
 * probe renders its own evidence; the pages show any probe's alike.
 *
 * @param curve points in time order (empty when the probe draws none)
 */
public record Rendering(String outcome, List<Line> lines, List<Point> curve) {

  public Rendering(String outcome, List<Line> lines) {
    this(outcome, lines, List.of());
  }

  /**
   * One line of evidence; {@code mark} styles it: {@code sent}, {@code answer}, {@code bad} (a
   * reset or a block page), or empty.
   */
  public record Line(String text, String mark) {

    public static Line plain(String text) {
      return new Line(text, "");
    }
  }

  /** A point of a curve: milliseconds since the probe began, and the value then. */
  public record Point(long millis, long value) {}
}
