package dev.detour.probe;

import java.util.List;

/**
 * A probe's evidence laid out for reading, the way the seed's author read tcpdump: a one-line
 * outcome and the packets or steps as lines. Each probe renders its own evidence; the pages show
 * any probe's alike.
 */
public record Rendering(String outcome, List<Line> lines) {

  /**
   * One line of evidence; {@code mark} styles it: {@code sent}, {@code answer}, {@code bad} (a
   * reset or a block page), or empty.
   */
  public record Line(String text, String mark) {

    public static Line plain(String text) {
      return new Line(text, "");
    }
  }
}
