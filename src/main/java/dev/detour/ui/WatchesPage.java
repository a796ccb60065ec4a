package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.Probes;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStates;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.WatchState;
import dev.detour.watch.GroupService;
import dev.detour.watch.GroupView;
import dev.detour.watch.WatchExportService;
import dev.detour.watch.WatchInput;
import dev.detour.watch.WatchService;
import dev.detour.watch.WatchView;
import dev.detour.watch.io.ExportFormat;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The watch list: filter by group, tag, state or text; add, edit, enable, disable and delete
 * watches (errors next to the fields); export what the filter shows. Import and groups have their
 * own pages.
 */
@Path("/watches")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class WatchesPage {

  static final int PAGE_SIZE = 50;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        Listing list, List<GroupView> groups, Filters filters, String notice);

    static native TemplateInstance form(
        Long id,
        Map<String, String> form,
        Set<String> probes,
        Map<String, String> errors,
        List<GroupView> groups,
        List<String> allProbes);
  }

  /** The filters as typed, for the form and the links. */
  public record Filters(String q, String group, String tag, String state, String kind) {
    /** The query string that keeps these filters (without a page). */
    public String query() {
      StringBuilder s = new StringBuilder();
      add(s, "q", q);
      add(s, "group", group);
      add(s, "tag", tag);
      add(s, "state", state);
      add(s, "kind", kind);
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

  /** One row: the watch and its status. */
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

  private final WatchService watches;
  private final GroupService groups;
  private final WatchStates statuses;
  private final Probes probes;
  private final EntityManager em;
  private final WatchExportService exporter;
  private final UiContext ui;
  private final WatchDetailPage detail;

  private final WatchHistories histories;

  public WatchesPage(
      WatchService watches,
      GroupService groups,
      WatchStates statuses,
      EntityManager em,
      WatchExportService exporter,
      Probes probes,
      UiContext ui,
      WatchDetailPage detail,
      WatchHistories histories) {
    this.histories = histories;
    this.ui = ui;
    this.detail = detail;
    this.probes = probes;
    this.watches = watches;
    this.groups = groups;
    this.statuses = statuses;
    this.em = em;
    this.exporter = exporter;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public Response list(
      @QueryParam("q") String q,
      @QueryParam("group") String group,
      @QueryParam("tag") String tag,
      @QueryParam("state") String state,
      @QueryParam("kind") String kind,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("go") Integer go,
      @QueryParam("notice") String notice) {
    Filters filters = new Filters(q, group, tag, state, kind);
    // The pager's box counts from 1, as people do; past the end is the last page.
    if (go != null) {
      page = go - 1;
    }
    Listing listing;
    int status = 200;
    try {
      listing = listing(filters, Math.max(0, page));
      if (listing.page() >= listing.pages() && listing.total() > 0) {
        listing = listing(filters, listing.pages() - 1);
      }
    } catch (ProblemException e) {
      listing = new Listing(List.of(), 0, 0, 0, e.getMessage());
      status = 400;
    }
    return Forms.page(
        Templates.list(listing, groups.list(), filters, notice).data("nav", "watches"), status);
  }

  private static TargetKind kindOf(Filters f) {
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

  /**
   * What the state filter selects: a state among enabled watches (a disabled watch is not probed,
   * whatever its last state was), or "disabled": the watches not probed at all.
   */
  record Selection(Boolean enabled, WatchState state) {

    static final Selection ALL = new Selection(null, null);
  }

  static Selection selectionOf(Filters f) {
    if (f.state() == null || f.state().isBlank()) {
      return Selection.ALL;
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

  private Listing listing(Filters f, int page) {
    TargetKind kind = kindOf(f);
    Selection selection = selectionOf(f);
    WatchState state = selection.state();
    WatchService.Query query =
        new WatchService.Query(
            f.group(), f.tag(), f.q(), kind, selection.enabled(), page, PAGE_SIZE);
    if (state == null) {
      WatchService.Page found = watches.list(query);
      Map<Long, WatchRuntimeView> views =
          statuses.statuses(found.items().stream().map(WatchView::id).toList());
      return new Listing(
          rows(found.items(), views), found.total(), page, pages(found.total()), null);
    }
    // The state lives beside the table: match the other filters, then keep the watches in state.
    List<Long> ids = WatchService.filter(query).ids(em).getResultList();
    Map<Long, WatchRuntimeView> views = statuses.statuses(ids);
    WatchState wanted = state;
    List<Long> matching = ids.stream().filter(id -> views.get(id).state() == wanted).toList();
    List<Long> shown = matching.stream().skip((long) page * PAGE_SIZE).limit(PAGE_SIZE).toList();
    return new Listing(
        rows(watches.byIds(shown), views), matching.size(), page, pages(matching.size()), null);
  }

  private List<Row> rows(List<WatchView> shown, Map<Long, WatchRuntimeView> views) {
    Map<Long, List<dev.detour.history.Stretch>> day =
        histories.of(shown.stream().map(WatchView::id).toList(), java.time.Duration.ofDays(1));
    return shown.stream()
        .map(w -> new Row(w, views.get(w.id()).summary(), HistoryCharts.pulse(day.get(w.id()))))
        .toList();
  }

  private static int pages(long total) {
    return (int) Math.max(1, (total + PAGE_SIZE - 1) / PAGE_SIZE);
  }

  /** What the list shows — every filter, the state included — in one of the export formats. */
  @GET
  @Path("export")
  @Operation(hidden = true)
  public Response export(
      @QueryParam("format") @DefaultValue("plain") String format,
      @QueryParam("q") String q,
      @QueryParam("group") String group,
      @QueryParam("tag") String tag,
      @QueryParam("state") String state,
      @QueryParam("kind") String kind) {
    Filters f = new Filters(q, group, tag, state, kind);
    ExportFormat exportFormat = WatchExportService.format(format);
    Selection selection = selectionOf(f);
    WatchService.Query query =
        new WatchService.Query(group, tag, q, kindOf(f), selection.enabled(), 0, 1);
    WatchState wanted = selection.state();
    UnaryOperator<List<WatchView>> keep =
        wanted == null
            ? page -> page
            : page -> {
              Map<Long, WatchRuntimeView> views =
                  statuses.statuses(page.stream().map(WatchView::id).toList());
              return page.stream().filter(w -> views.get(w.id()).state() == wanted).toList();
            };
    StreamingOutput body = out -> exporter.export(query, keep, exportFormat, "gre-tunnel1", out);
    return Response.ok(body, exportFormat.mediaType())
        .header(
            "Content-Disposition",
            "attachment; filename=\"detour-watches." + exportFormat.extension() + "\"")
        .build();
  }

  @GET
  @Path("new")
  @Operation(hidden = true)
  public TemplateInstance newForm(@QueryParam("group") String group) {
    AdminsOnly.require(ui, "Adding a watch", "/watches");
    return form(null, Map.of("group", Forms.nz(group), "enabled", "on"), Set.of(), Map.of());
  }

  @POST
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response create(@BeanParam WatchForm sent) {
    Map<String, String> form = sent.fields();
    List<String> probes = sent.probes;
    try {
      WatchView created = watches.create(input(form, probes));
      return written(created, WatchDetailPage.ADDED, "added");
    } catch (ProblemException e) {
      return Forms.page(form(null, form, set(probes), Forms.errors(e, "")), e.status());
    }
  }

  /**
   * After a write, the watch's page: by a redirect, or — when normalisation changed what was typed
   * (a URL's host and port, host bits, punycode) — at once with what changed, as the API's warnings
   * say it (htmx moves the address bar to the watch).
   */
  private Response written(WatchView w, String said, String notice) {
    if (w.warnings() == null || w.warnings().isEmpty()) {
      return Forms.seeOther("/watches/" + w.id() + "?notice=" + notice);
    }
    String text = said + " Note: " + String.join("; ", w.warnings()) + ".";
    return Response.ok(detail.page(w.id(), text))
        .type(MediaType.TEXT_HTML_TYPE)
        .header("HX-Push-Url", "/watches/" + w.id())
        .build();
  }

  @GET
  @Path("{id: \\d+}/edit")
  @Operation(hidden = true)
  public TemplateInstance editForm(@PathParam("id") long id) {
    AdminsOnly.require(ui, "Editing a watch", "/watches/" + id);
    WatchView w = watches.get(id);
    Map<String, String> form =
        form(
            w.target(),
            w.group(),
            w.ports() == null
                ? ""
                : w.ports().stream().map(String::valueOf).collect(Collectors.joining(", ")),
            String.join(", ", w.tags()),
            w.note(),
            w.enabled() ? "on" : null);
    Set<String> probes =
        w.probes() == null
            ? Set.of()
            : w.probes().stream().map(ProbeKind::label).collect(Collectors.toSet());
    return form(id, form, probes, Map.of());
  }

  @POST
  @Path("{id: \\d+}/edit")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response update(@PathParam("id") long id, @BeanParam WatchForm sent) {
    Map<String, String> form = sent.fields();
    List<String> probes = sent.probes;
    try {
      return written(watches.update(id, input(form, probes)), "Saved.", "saved");
    } catch (ProblemException e) {
      return Forms.page(form(id, form, set(probes), Forms.errors(e, "")), e.status());
    }
  }

  @POST
  @Path("{id: \\d+}/enabled")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response enable(
      @PathParam("id") long id,
      @FormParam("enabled") boolean enabled,
      @FormParam("back") String back) {
    WatchView w = watches.get(id);
    watches.update(
        id,
        new WatchInput(w.target(), w.group(), w.ports(), w.probes(), w.tags(), w.note(), enabled));
    return Forms.seeOther(back(back, "/watches/" + id));
  }

  @POST
  @Path("{id: \\d+}/delete")
  @Operation(hidden = true)
  public Response delete(@PathParam("id") long id) {
    WatchView w = watches.get(id);
    watches.delete(id);
    return Forms.seeOther(
        "/watches?notice="
            + URLEncoder.encode(
                "Deleted " + w.target() + " (" + w.group() + ").", StandardCharsets.UTF_8));
  }

  /** Only a path of this site: a form's way back never leads elsewhere. */
  static String back(String back, String otherwise) {
    return back != null && back.startsWith("/") && !back.startsWith("//") ? back : otherwise;
  }

  private TemplateInstance form(
      Long id, Map<String, String> form, Set<String> probes, Map<String, String> errors) {
    return Templates.form(
            id,
            form,
            probes,
            errors,
            groups.list(),
            this.probes.kinds().stream().map(ProbeKind::label).toList())
        .data("nav", "watches");
  }

  /** The watch form as sent, by creating and editing alike. */
  public static class WatchForm {
    @FormParam("target")
    String target;

    @FormParam("group")
    String group;

    @FormParam("ports")
    String ports;

    @FormParam("probes")
    List<String> probes;

    @FormParam("tags")
    String tags;

    @FormParam("note")
    String note;

    @FormParam("enabled")
    String enabled;

    Map<String, String> fields() {
      return form(target, group, ports, tags, note, enabled);
    }
  }

  private static Map<String, String> form(
      String target, String group, String ports, String tags, String note, String enabled) {
    Map<String, String> m = new HashMap<>();
    m.put("target", Forms.nz(target));
    m.put("group", Forms.nz(group));
    m.put("ports", Forms.nz(ports));
    m.put("tags", Forms.nz(tags));
    m.put("note", Forms.nz(note));
    if (enabled != null) {
      m.put("enabled", "on");
    }
    return m;
  }

  private static Set<String> set(List<String> values) {
    return values == null ? Set.of() : new LinkedHashSet<>(values);
  }

  /** The form as the API's input; a port that is no number is refused here, next to its field. */
  private static WatchInput input(Map<String, String> form, List<String> probes) {
    List<Integer> ports = null;
    List<String> words = Forms.words(form.get("ports"));
    if (!words.isEmpty()) {
      ports = new ArrayList<>();
      for (String w : words) {
        try {
          ports.add(Integer.parseInt(w));
        } catch (NumberFormatException e) {
          throw ProblemException.invalidField(
              "Invalid watch",
              "ports",
              "'" + w + "' is not a port: give numbers from 1 to 65535, e.g. 80, 443");
        }
      }
    }
    Set<ProbeKind> kinds = Forms.probes(probes);
    return new WatchInput(
        form.get("target"),
        form.get("group"),
        ports,
        kinds,
        new LinkedHashSet<>(Forms.words(form.get("tags"))),
        form.get("note").isBlank() ? null : form.get("note"),
        form.containsKey("enabled"));
  }
}
