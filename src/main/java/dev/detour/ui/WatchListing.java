package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.history.Stretch;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStates;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import dev.detour.watch.WatchService;
import dev.detour.watch.WatchView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The watch list as filtered, sorted and paged: what the database can do (group, tag, text, kind,
 * enabled) it does; a state, a method, or an order by state or by change needs each watch's status
 * beside the table, so those match the other filters first and then keep and sort by status.
 */
@ApplicationScoped
public class WatchListing {

  static final int PAGE_SIZE = 50;

  /** The filters as typed, for the form and the links. */
  public record Filters(
      String q, String group, String tag, String state, String kind, String method, String sort) {

    /** The query string that keeps these filters (without a page). */
    public String query() {
      StringBuilder s = new StringBuilder();
      add(s, "q", q);
      add(s, "group", group);
      add(s, "tag", tag);
      add(s, "state", state);
      add(s, "kind", kind);
      add(s, "method", method);
      add(s, "sort", sort);
      return s.toString();
    }

    private static void add(StringBuilder s, String key, String value) {
      if (value != null && !value.isBlank()) {
        s.append(s.length() == 0 ? "" : "&")
            .append(key)
            .append('=')
            .append(URLEncoder.encode(value.strip(), StandardCharsets.UTF_8));
      }
    }
  }

  /** The orders the list offers: as added, by target, blocked first, latest change first. */
  public enum Sort {
    ADDED("added", "as added"),
    TARGET("target", "by target"),
    BLOCKED("blocked", "blocked first"),
    SINCE("since", "latest change first");

    private final String key;
    private final String words;

    Sort(String key, String words) {
      this.key = key;
      this.words = words;
    }

    public String key() {
      return key;
    }

    public String words() {
      return words;
    }

    static Sort of(String key) {
      if (key == null || key.isBlank()) {
        return ADDED;
      }
      return Arrays.stream(values())
          .filter(s -> s.key.equals(key.strip().toLowerCase(Locale.ROOT)))
          .findFirst()
          .orElseThrow(
              () ->
                  ProblemException.invalidField(
                      "Invalid filter", "sort", "sort is added, target, blocked or since"));
    }
  }

  /** A row of the list: the watch, its status, its last day in heartbeat bars and shares. */
  public record Row(WatchView watch, WatchRuntimeView status, HistoryCharts.Pulse pulse) {}

  /** A page of rows. */
  public record Listing(List<Row> rows, long total, int page, int pages, String error) {
    public boolean hasPrevious() {
      return page > 0;
    }

    public boolean hasNext() {
      return page + 1 < pages;
    }

    public int previous() {
      return page - 1;
    }

    /** The next page's index, which is also this page's number counting from 1. */
    public int next() {
      return page + 1;
    }

    public int last() {
      return pages - 1;
    }
  }

  /**
   * What the state filter selects: a state among enabled watches (a disabled watch is not probed,
   * whatever its last state was), or "disabled": the watches not probed at all.
   */
  record Selection(Boolean enabled, WatchState state) {

    static final Selection ALL = new Selection(null, null);
  }

  private final WatchService watches;
  private final WatchStates statuses;
  private final WatchHistories histories;
  private final EntityManager em;

  public WatchListing(
      WatchService watches, WatchStates statuses, WatchHistories histories, EntityManager em) {
    this.watches = watches;
    this.statuses = statuses;
    this.histories = histories;
    this.em = em;
  }

  static TargetKind kindOf(Filters f) {
    if (f.kind() == null || f.kind().isBlank()) {
      return null;
    }
    return Arrays.stream(TargetKind.values())
        .filter(k -> k.label().equals(f.kind().strip().toLowerCase(Locale.ROOT)))
        .findFirst()
        .orElseThrow(
            () ->
                ProblemException.invalidField(
                    "Invalid filter", "kind", "kind is host, address or prefix"));
  }

  static Selection selectionOf(Filters f) {
    boolean method = methodOf(f) != null;
    if (f.state() == null || f.state().isBlank()) {
      // A method is seen in a round: only enabled watches have one.
      return method ? new Selection(true, null) : Selection.ALL;
    }
    String wanted = f.state().strip().toLowerCase(Locale.ROOT);
    if (wanted.equals("disabled")) {
      return new Selection(false, null);
    }
    try {
      return new Selection(true, WatchState.valueOf(wanted.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalidField(
          "Invalid filter", "state", "state is up, down, blocked, unknown or disabled");
    }
  }

  static BlockMethod methodOf(Filters f) {
    if (f.method() == null || f.method().isBlank()) {
      return null;
    }
    String wanted = f.method().strip().toLowerCase(Locale.ROOT);
    return BlockMethod.all().stream()
        .filter(m -> m.label().equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                ProblemException.invalidField(
                    "Invalid filter", "method", "method is one of " + BlockMethod.labels()));
  }

  private static WatchService.Query query(Filters f, int page) {
    return new WatchService.Query(
        f.group(), f.tag(), f.q(), kindOf(f), selectionOf(f).enabled(), page, PAGE_SIZE);
  }

  /** One page of the list. */
  Listing listing(Filters f, int page) {
    Sort sort = Sort.of(f.sort());
    Selection selection = selectionOf(f);
    BlockMethod method = methodOf(f);
    if (selection.state() == null && method == null && sort == Sort.ADDED) {
      WatchService.Page found = watches.list(query(f, page));
      Map<Long, WatchRuntimeView> views =
          statuses.statuses(found.items().stream().map(WatchView::id).toList());
      return new Listing(
          rows(found.items(), views), found.total(), page, pages(found.total()), null);
    }
    Matching m = matching(f);
    List<Long> shown = m.ids().stream().skip((long) page * PAGE_SIZE).limit(PAGE_SIZE).toList();
    Map<Long, WatchRuntimeView> views = m.views() != null ? m.views() : statuses.statuses(shown);
    return new Listing(
        rows(watches.byIds(shown), views), m.ids().size(), page, pages(m.ids().size()), null);
  }

  /** The matching watches' ids in the list's order, and their statuses when they were needed. */
  record Matching(List<Long> ids, Map<Long, WatchRuntimeView> views) {}

  /** Every watch the filters match, in the chosen order. */
  Matching matching(Filters f) {
    Sort sort = Sort.of(f.sort());
    Selection selection = selectionOf(f);
    BlockMethod method = methodOf(f);
    WatchService.Filter filter = WatchService.filter(query(f, 0));
    List<Object[]> found =
        filter
            .bind(
                em.createQuery(
                    "select w.id, w.target from Watch w"
                        + filter.clause()
                        + " order by "
                        + filter.order(),
                    Object[].class))
            .getResultList();
    boolean byStatus =
        selection.state() != null || method != null || sort == Sort.BLOCKED || sort == Sort.SINCE;
    Map<Long, WatchRuntimeView> views =
        byStatus ? statuses.statuses(found.stream().map(r -> (Long) r[0]).toList()) : null;
    var rows = found.stream();
    if (selection.state() != null) {
      rows = rows.filter(r -> views.get((Long) r[0]).state() == selection.state());
    }
    if (method != null) {
      rows = rows.filter(r -> method.equals(views.get((Long) r[0]).method()));
    }
    Comparator<Object[]> order =
        switch (sort) {
          case ADDED -> null;
          case TARGET -> Comparator.comparing(r -> (String) r[1]);
          case BLOCKED ->
              Comparator.<Object[]>comparingInt(r -> severity(views.get((Long) r[0]).state()))
                  .thenComparing(r -> since(views.get((Long) r[0])), Comparator.reverseOrder());
          case SINCE ->
              Comparator.comparing(
                  (Object[] r) -> since(views.get((Long) r[0])), Comparator.reverseOrder());
        };
    if (order != null) {
      rows = rows.sorted(order);
    }
    return new Matching(rows.map(r -> (Long) r[0]).toList(), views);
  }

  /** Blocked first, then down, unknown, up. */
  private static int severity(WatchState s) {
    return switch (s) {
      case BLOCKED -> 0;
      case DOWN -> 1;
      case UNKNOWN -> 2;
      case UP -> 3;
    };
  }

  private static Instant since(WatchRuntimeView v) {
    return v.since() == null ? Instant.EPOCH : v.since();
  }

  private List<Row> rows(List<WatchView> shown, Map<Long, WatchRuntimeView> views) {
    Map<Long, List<Stretch>> day =
        histories.of(shown.stream().map(WatchView::id).toList(), Duration.ofDays(1));
    return shown.stream()
        .map(w -> new Row(w, views.get(w.id()).summary(), HistoryCharts.pulse(day.get(w.id()))))
        .toList();
  }

  private static int pages(long total) {
    return (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
  }
}
