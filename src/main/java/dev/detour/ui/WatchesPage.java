package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.Probes;
import dev.detour.state.WatchRuntimeView;
import dev.detour.state.WatchStates;
import dev.detour.verdict.BlockMethod;
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
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
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

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance list(
        WatchListing.Listing list,
        List<GroupView> groups,
        WatchListing.Filters filters,
        List<BlockMethod> methods,
        String notice);

    static native TemplateInstance form(
        Long id,
        Map<String, String> form,
        Set<String> probes,
        Map<String, String> errors,
        List<GroupView> groups,
        List<String> allProbes);
  }

  private final WatchService watches;
  private final GroupService groups;
  private final WatchStates statuses;
  private final Probes probes;
  private final EntityManager em;
  private final WatchExportService exporter;
  private final UiContext ui;
  private final WatchDetailPage detail;

  private final WatchListing listing;

  public WatchesPage(
      WatchService watches,
      GroupService groups,
      WatchStates statuses,
      EntityManager em,
      WatchExportService exporter,
      Probes probes,
      UiContext ui,
      WatchDetailPage detail,
      WatchListing listing) {
    this.listing = listing;
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
      @QueryParam("method") String method,
      @QueryParam("sort") String sort,
      @QueryParam("page") @DefaultValue("0") int page,
      @QueryParam("go") Integer go,
      @QueryParam("notice") String notice) {
    WatchListing.Filters filters =
        new WatchListing.Filters(q, group, tag, state, kind, method, sort);
    // The pager's box counts from 1, as people do; past the end is the last page.
    if (go != null) {
      page = go - 1;
    }
    WatchListing.Listing shown;
    int status = 200;
    try {
      shown = listing.listing(filters, Math.max(0, page));
      if (shown.page() >= shown.pages() && shown.total() > 0) {
        shown = listing.listing(filters, shown.pages() - 1);
      }
    } catch (ProblemException e) {
      shown = new WatchListing.Listing(List.of(), 0, 0, 0, e.getMessage());
      status = 400;
    }
    return Forms.page(
        Templates.list(shown, groups.list(), filters, BlockMethod.all(), notice)
            .data("nav", "watches"),
        status);
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
      @QueryParam("kind") String kind,
      @QueryParam("method") String method) {
    WatchListing.Filters f = new WatchListing.Filters(q, group, tag, state, kind, method, null);
    ExportFormat exportFormat = WatchExportService.format(format);
    WatchListing.Selection selection = WatchListing.selectionOf(f);
    WatchService.Query query =
        new WatchService.Query(group, tag, q, WatchListing.kindOf(f), selection.enabled(), 0, 1);
    WatchState wanted = selection.state();
    BlockMethod by = WatchListing.methodOf(f);
    UnaryOperator<List<WatchView>> keep =
        wanted == null && by == null
            ? page -> page
            : page -> {
              Map<Long, WatchRuntimeView> views =
                  statuses.statuses(page.stream().map(WatchView::id).toList());
              return page.stream()
                  .filter(w -> wanted == null || views.get(w.id()).state() == wanted)
                  .filter(w -> by == null || by.equals(views.get(w.id()).method()))
                  .toList();
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
  public TemplateInstance newForm(
      @QueryParam("group") String group, @QueryParam("target") String target) {
    AdminsOnly.require(ui, "Adding a watch", "/watches");
    return form(
        null,
        Map.of("group", Forms.nz(group), "target", Forms.nz(target), "enabled", "on"),
        Set.of(),
        Map.of());
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
