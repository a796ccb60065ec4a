package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.watch.WatchBulk;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The list's bulk actions: on the ticked watches or on every watch the list's filters match, a
 * count first ("Enable 44,036 watches?"), then one transaction ({@link WatchBulk}).
 */
@Path("/watches/bulk")
@Produces(MediaType.TEXT_HTML)
public class BulkPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance confirm(Plan plan, WatchListing.Filters filters, String error);
  }

  /** The pauses the form offers. */
  static final Map<String, Duration> PAUSES =
      Map.of(
          "1h", Duration.ofHours(1),
          "6h", Duration.ofHours(6),
          "1d", Duration.ofDays(1),
          "7d", Duration.ofDays(7));

  /**
   * What the user asked, counted: the action in words, the scope in words, matched and changed, and
   * the fields to post again to confirm.
   */
  public record Plan(
      String action,
      String words,
      String scope,
      String scopeWords,
      List<Long> ids,
      String pause,
      String to,
      long matched,
      long changed) {}

  private final WatchBulk bulk;
  private final WatchListing listing;
  private final UiContext ui;

  public BulkPage(WatchBulk bulk, WatchListing listing, UiContext ui) {
    this.bulk = bulk;
    this.listing = listing;
    this.ui = ui;
  }

  @POST
  @Operation(hidden = true)
  @Transactional
  public Response act(
      @FormParam("action") String action,
      @FormParam("scope") String scope,
      @FormParam("ids") List<Long> ids,
      @FormParam("pause") String pause,
      @FormParam("to") String to,
      @FormParam("confirm") String confirm,
      @FormParam("q") String q,
      @FormParam("group") String group,
      @FormParam("tag") String tag,
      @FormParam("state") String state,
      @FormParam("kind") String kind,
      @FormParam("method") String method) {
    AdminsOnly.require(ui, "Changing many watches at once", "/watches");
    WatchListing.Filters filters =
        new WatchListing.Filters(q, group, tag, state, kind, method, null);
    boolean matching = "matching".equals(scope);
    Plan asked =
        new Plan(action, null, matching ? "matching" : "selected", null, ids, pause, to, 0, 0);
    try {
      WatchBulk.Request request = request(asked, filters, !"yes".equals(confirm));
      WatchBulk.Result r = bulk.runAny(request);
      Plan plan = counted(asked, filters, r);
      if (r.dryRun()) {
        return Forms.page(Templates.confirm(plan, filters, null).data("nav", "watches"), 200);
      }
      String done = plan.words() + ": " + r.changed() + " of " + r.matched() + " changed.";
      String back = filters.query();
      return Forms.seeOther(
          "/watches?"
              + (back.isEmpty() || r.action().equals("move") ? "" : back + "&")
              + "notice="
              + URLEncoder.encode(done, StandardCharsets.UTF_8));
    } catch (ProblemException e) {
      return Forms.page(
          Templates.confirm(asked, filters, e.getMessage()).data("nav", "watches"), e.status());
    }
  }

  private WatchBulk.Request request(Plan p, WatchListing.Filters f, boolean dry) {
    Instant until = null;
    if ("pause".equals(p.action())) {
      Duration d = p.pause() == null ? null : PAUSES.get(p.pause());
      if (d == null) {
        throw ProblemException.invalidField(
            "Invalid bulk action", "pause", "choose how long to pause: 1h, 6h, 1d or 7d");
      }
      until = Instant.now().plus(d);
    }
    if (p.scope().equals("selected")) {
      return new WatchBulk.Request(
          p.action(), p.ids() == null ? List.of() : p.ids(), null, p.to(), until, dry);
    }
    WatchListing.Selection selection = WatchListing.selectionOf(f);
    if (selection.state() == null && WatchListing.methodOf(f) == null) {
      return new WatchBulk.Request(
          p.action(),
          null,
          new WatchBulk.Selection(
              f.group(), f.tag(), f.q(), WatchListing.kindOf(f), selection.enabled()),
          p.to(),
          until,
          dry);
    }
    // A state or a method lives beside the table: the ids of the watches in it now.
    List<Long> now = listing.matching(f).ids();
    if (now.isEmpty()) {
      throw ProblemException.invalidField(
          "Invalid bulk action", "scope", "no watch matches these filters now");
    }
    return new WatchBulk.Request(p.action(), now, null, p.to(), until, dry);
  }

  private static Plan counted(Plan p, WatchListing.Filters f, WatchBulk.Result r) {
    String words =
        switch (r.action()) {
          case "pause" -> "Pause until " + UiExtensions.stamp(r.until());
          case "move" -> "Move to group " + r.group();
          default -> r.action().substring(0, 1).toUpperCase(Locale.ROOT) + r.action().substring(1);
        };
    String scope =
        p.scope().equals("selected")
            ? "the " + r.matched() + " ticked"
            : "all " + r.matched() + " that match" + (f.query().isEmpty() ? "" : " " + f.query());
    return new Plan(
        r.action(), words, p.scope(), scope, p.ids(), p.pause(), p.to(), r.matched(), r.changed());
  }
}
