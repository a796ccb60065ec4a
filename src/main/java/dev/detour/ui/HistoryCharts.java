package dev.detour.ui;

import dev.detour.history.Histories;
import dev.detour.history.Stretch;
import dev.detour.verdict.WatchState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pictures of a watch's history: strips of state over a day, a week and a month with the share
 * of rounds in each state, the latest rounds as heartbeat bars, and the latency of the last day
 * with axes, tooltips and the rounds a censor answered marked apart.
 */
public final class HistoryCharts {

  private HistoryCharts() {}

  /** A stretch of the strip in one state, as a share (0..100) of its width. */
  public record Segment(double x, double width, String state, String title) {}

  /**
   * One strip: its span in words, segments, the share of measured rounds up, blocked and down (as
   * "99.5"; null with no round), the rounds counted, and where the axis starts.
   */
  public record Strip(
      String span,
      String label,
      List<Segment> segments,
      String up,
      String blocked,
      String down,
      long rounds,
      String from) {}

  /** The strip over {@code span} before {@code now}; nothing drawn before {@code created}. */
  public static Strip strip(
      String label, List<Stretch> history, Instant created, Instant now, Duration span) {
    long end = now.getEpochSecond();
    long start = end - span.getSeconds();
    List<Segment> segments = new ArrayList<>();
    long watched = created == null ? start : Math.max(start, created.getEpochSecond());
    if (watched > start) {
      segments.add(
          segment(start, end, start, watched, "none", "not watched yet: added " + stamp(watched)));
    }
    long[] counts = new long[WatchState.values().length];
    String state = null;
    long from = 0;
    long to = 0;
    int rounds = 0;
    for (Stretch s : history) {
      if (s.to() <= start || s.from() >= end) {
        continue;
      }
      counts[WatchState.UP.ordinal()] += s.up();
      counts[WatchState.DOWN.ordinal()] += s.down();
      counts[WatchState.BLOCKED.ordinal()] += s.blocked();
      counts[WatchState.UNKNOWN.ordinal()] += s.unknown();
      String st = s.state().label();
      long a = Math.max(start, s.from());
      long b = Math.min(end, s.to());
      if (st.equals(state) && a <= to) {
        to = Math.max(to, b);
        rounds += s.rounds();
        continue;
      }
      if (state != null) {
        segments.add(segment(start, end, from, to, state, title(state, from, to, rounds)));
      }
      state = st;
      from = a;
      to = b;
      rounds = s.rounds();
    }
    if (state != null) {
      segments.add(segment(start, end, from, to, state, title(state, from, to, rounds)));
    }
    long measured =
        counts[WatchState.UP.ordinal()]
            + counts[WatchState.DOWN.ordinal()]
            + counts[WatchState.BLOCKED.ordinal()];
    long all = measured + counts[WatchState.UNKNOWN.ordinal()];
    return new Strip(
        label,
        "State over the "
            + label.toLowerCase(Locale.ROOT)
            + ": "
            + segments.size()
            + " stretches, "
            + all
            + " rounds",
        segments,
        share(counts[WatchState.UP.ordinal()], measured),
        share(counts[WatchState.BLOCKED.ordinal()], measured),
        share(counts[WatchState.DOWN.ordinal()], measured),
        all,
        stamp(start));
  }

  private static String title(String state, long from, long to, int rounds) {
    return state
        + " from "
        + stamp(from)
        + " for "
        + UiExtensions.span(Duration.ofSeconds(to - from))
        + " ("
        + rounds
        + (rounds == 1 ? " round)" : " rounds)");
  }

  private static Segment segment(
      long start, long end, long from, long to, String state, String title) {
    double total = end - start;
    return new Segment(
        round((from - start) / total * 100),
        round(Math.max((to - from) / total * 100, 0.3)),
        state,
        title);
  }

  /** A share as a percentage with one decimal (two below 1 %), or null without rounds. */
  static String share(long part, long whole) {
    if (whole == 0) {
      return null;
    }
    double p = 100.0 * part / whole;
    return String.format(Locale.ROOT, p > 0 && p < 1 ? "%.2f" : "%.1f", p);
  }

  /** One heartbeat bar: a round's state and what it saw. */
  public record Beat(String state, String title) {}

  /** The last {@code count} rounds as bars, oldest first. */
  public static List<Beat> beats(List<Stretch> history, int count) {
    List<Beat> beats = new ArrayList<>();
    for (int i = Math.max(0, history.size() - count); i < history.size(); i++) {
      Stretch s = history.get(i);
      beats.add(new Beat(s.state().label(), stamp(s.from()) + " · " + said(s)));
    }
    return beats;
  }

  /** A list row's last day: its last 30 rounds as bars and the shares of its rounds by state. */
  public record Pulse(List<Beat> beats, String up, String blocked, long rounds) {}

  /** The pulse of a day's history (null: none). */
  public static Pulse pulse(List<Stretch> day) {
    List<Stretch> all = day == null ? List.of() : day;
    long up = 0;
    long measured = 0;
    long blocked = 0;
    for (Stretch s : all) {
      up += s.up();
      blocked += s.blocked();
      measured += s.up() + s.down() + s.blocked();
    }
    return new Pulse(beats(all, 30), share(up, measured), share(blocked, measured), measured);
  }

  /** What a stretch saw, in words: its state and delays. */
  static String said(Stretch s) {
    StringBuilder b = new StringBuilder(s.state().label());
    if (s.rounds() > 1) {
      b.append(" (").append(s.rounds()).append(" rounds: ");
      b.append(s.up()).append(" up, ").append(s.blocked()).append(" blocked, ");
      b.append(s.down()).append(" down)");
    }
    if (s.forged() > 0) {
      b.append(" · answered by the censor, not latency");
    }
    if (s.localMillis() != null) {
      b.append(" · here ").append(ms(s.localMillis()));
    }
    if (s.controlMillis() != null) {
      b.append(" · control ").append(ms(s.controlMillis()));
    }
    return b.toString();
  }

  static String ms(double millis) {
    return String.format(Locale.ROOT, millis < 10 ? "%.2f ms" : "%.0f ms", millis);
  }

  /** A tick of an axis: where (in the chart's units) and what it says. */
  public record Tick(double at, String label) {}

  /** A column of the latency chart with its tooltip. */
  public record Column(double x, double width, String title) {}

  /**
   * The latency chart over the history given (the last day): paths for here and the control vantage
   * (a gap where nothing answered or a pause), marks where the censor answered, axes and tooltips.
   */
  public record Latency(
      String local,
      String control,
      List<Segment> bands,
      List<Double> forged,
      List<Tick> yTicks,
      List<Tick> xTicks,
      List<Column> columns,
      int rounds,
      int forgedRounds) {}

  static final double WIDTH = 600;
  static final double HEIGHT = 120;

  public static Latency latency(List<Stretch> history, long now) {
    if (history.isEmpty()) {
      return new Latency("", "", List.of(), List.of(), List.of(), List.of(), List.of(), 0, 0);
    }
    long start = history.get(0).from();
    double span = Math.max(60, now - start);
    double max = 1;
    for (Stretch s : history) {
      max = Math.max(max, s.localMillis() == null ? 0 : s.localMillis());
      max = Math.max(max, s.controlMillis() == null ? 0 : s.controlMillis());
    }
    max = Charts.nice(max);
    StringBuilder local = new StringBuilder();
    StringBuilder control = new StringBuilder();
    List<Double> forged = new ArrayList<>();
    List<Segment> bands = new ArrayList<>();
    long usual = Histories.usualGap(history);
    Stretch before = null;
    int forgedRounds = 0;
    for (Stretch s : history) {
      double x = round((s.from() - start) / span * WIDTH);
      boolean pause = before == null || s.from() - before.to() > usual;
      line(local, x, s.localMillis(), max, pause || before.localMillis() == null);
      line(control, x, s.controlMillis(), max, pause || before.controlMillis() == null);
      if (s.forged() > 0) {
        forged.add(x);
        forgedRounds += s.forged();
      }
      bands.add(
          new Segment(
              x, round(Math.max(0.5, (s.to() - s.from()) / span * WIDTH)), s.state().label(), ""));
      before = s;
    }
    List<Tick> yTicks =
        List.of(new Tick(HEIGHT, "0"), new Tick(HEIGHT / 2, ms(max / 2)), new Tick(0, ms(max)));
    List<Tick> xTicks = new ArrayList<>();
    for (int i = 0; i <= 4; i++) {
      xTicks.add(new Tick(round(WIDTH * i / 4), clock(start + (long) (span * i / 4), span < 3600)));
    }
    return new Latency(
        local.toString(),
        control.toString(),
        bands,
        forged,
        yTicks,
        xTicks,
        columns(history, start, span),
        history.size(),
        forgedRounds);
  }

  /** At most 96 columns over the chart, each with its rounds' summary as its tooltip. */
  private static List<Column> columns(List<Stretch> history, long start, double span) {
    int n = 96;
    double width = WIDTH / n;
    Map<Integer, List<Stretch>> byColumn = new TreeMap<>();
    for (Stretch s : history) {
      int c = (int) Math.min(n - 1, (s.from() - start) / span * n);
      byColumn.computeIfAbsent(c, k -> new ArrayList<>()).add(s);
    }
    List<Column> columns = new ArrayList<>();
    byColumn.forEach(
        (c, in) -> {
          Stretch sum = sum(in);
          columns.add(
              new Column(
                  round(c * width),
                  round(width),
                  clock(sum.from(), true)
                      + (in.size() > 1 ? "–" + clock(in.get(in.size() - 1).from(), true) : "")
                      + " · "
                      + said(sum)));
        });
    return columns;
  }

  /** Several stretches as one: counts added, delays their median. */
  static Stretch sum(List<Stretch> in) {
    int up = 0;
    int down = 0;
    int blocked = 0;
    int unknown = 0;
    int forged = 0;
    for (Stretch s : in) {
      up += s.up();
      down += s.down();
      blocked += s.blocked();
      unknown += s.unknown();
      forged += s.forged();
    }
    return new Stretch(
        in.get(0).from(),
        in.get(in.size() - 1).to(),
        up,
        down,
        blocked,
        unknown,
        forged,
        median(in.stream().map(Stretch::localMillis).toList()),
        median(in.stream().map(Stretch::controlMillis).toList()));
  }

  private static Double median(List<Double> values) {
    double[] v = values.stream().filter(d -> d != null).mapToDouble(Double::doubleValue).toArray();
    if (v.length == 0) {
      return null;
    }
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static void line(StringBuilder path, double x, Double ms, double max, boolean start) {
    if (ms == null) {
      return;
    }
    double y = round(HEIGHT - ms / max * HEIGHT);
    path.append(start ? (path.length() == 0 ? "M" : " M") : " L").append(x).append(' ').append(y);
    if (start) {
      // A lone point still shows: a dot-sized stroke.
      path.append(" l0.1 0");
    }
  }

  /** The Overview's chart: watches blocked and down over time. */
  public record Tallies(
      String blocked, String down, List<Tick> yTicks, List<Tick> xTicks, long max) {}

  /** Paths of the blocked and down counts ({@code at} in seconds) from {@code start} to now. */
  public static Tallies tallies(List<long[]> points, long start, long now) {
    long max = 1;
    for (long[] p : points) {
      max = Math.max(max, Math.max(p[1], p[2]));
    }
    max = (long) Charts.nice(max);
    double span = Math.max(1, now - start);
    StringBuilder blocked = new StringBuilder();
    StringBuilder down = new StringBuilder();
    points.sort(Comparator.comparingLong(p -> p[0]));
    for (long[] p : points) {
      double x = round((p[0] - start) / span * WIDTH);
      String cmd = blocked.length() == 0 ? "M" : " L";
      blocked.append(cmd).append(x).append(' ').append(round(HEIGHT - p[1] * HEIGHT / max));
      down.append(cmd).append(x).append(' ').append(round(HEIGHT - p[2] * HEIGHT / max));
    }
    List<Tick> xTicks = new ArrayList<>();
    for (int i = 0; i <= 7; i++) {
      xTicks.add(new Tick(round(WIDTH * i / 7), day(start + (long) (span * i / 7))));
    }
    return new Tallies(
        blocked.toString(),
        down.toString(),
        List.of(
            new Tick(HEIGHT, "0"),
            new Tick(HEIGHT / 2, Long.toString(max / 2)),
            new Tick(0, Long.toString(max))),
        xTicks,
        max);
  }

  private static String stamp(long second) {
    return UiExtensions.stamp(Instant.ofEpochSecond(second));
  }

  private static String clock(long second, boolean seconds) {
    return String.format(
        Locale.ROOT,
        seconds ? "%tH:%<tM:%<tS" : "%tH:%<tM",
        java.time.ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), java.time.ZoneOffset.UTC));
  }

  private static String day(long second) {
    return String.format(
        Locale.ROOT,
        "%tb %<td",
        java.time.ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), java.time.ZoneOffset.UTC));
  }

  private static double round(double v) {
    return Math.round(v * 10) / 10.0;
  }
}
