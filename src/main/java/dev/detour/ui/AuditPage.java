package dev.detour.ui;

import dev.detour.api.ReadsOutlastReopen;
import dev.detour.route.RouteAuditLog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.transaction.Transactional;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The whole audit log of routing — every change, check and switch, who and why — as a page with
 * filters and pages, rather than the API's JSON.
 */
@Path("/routes/audit")
@Produces(MediaType.TEXT_HTML)
@ReadsOutlastReopen
public class AuditPage {

  static final int PAGE_SIZE = 100;

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance audit(
        List<RouteAuditLog.Line> lines,
        long total,
        Pager pager,
        String router,
        String outcome,
        List<String> routers,
        List<String> outcomes,
        String query);
  }

  /** Where a page sits: its index from 0, of how many, and its neighbours. */
  public record Pager(int page, int pages) {
    public int number() {
      return page + 1;
    }

    public boolean hasNewer() {
      return page > 0;
    }

    public boolean hasOlder() {
      return page + 1 < pages;
    }

    public int newer() {
      return page - 1;
    }

    public int older() {
      return page + 1;
    }

    public int last() {
      return pages - 1;
    }
  }

  private final RouteAuditLog log;

  public AuditPage(RouteAuditLog log) {
    this.log = log;
  }

  @GET
  @Operation(hidden = true)
  @Transactional
  public TemplateInstance audit(
      @QueryParam("router") String router,
      @QueryParam("outcome") String outcome,
      @QueryParam("page") @DefaultValue("0") int page) {
    int pages;
    RouteAuditLog.Page found = log.page(router, outcome, Math.max(0, page), PAGE_SIZE);
    pages = (int) Math.max(1, (found.total() + PAGE_SIZE - 1) / PAGE_SIZE);
    if (page >= pages && found.total() > 0) {
      page = pages - 1;
      found = log.page(router, outcome, page, PAGE_SIZE);
    }
    List<List<String>> names = log.names();
    StringBuilder query = new StringBuilder();
    for (String[] kv : new String[][] {{"router", router}, {"outcome", outcome}}) {
      if (kv[1] != null && !kv[1].isBlank()) {
        query.append(kv[0]).append('=').append(URLEncoder.encode(kv[1], StandardCharsets.UTF_8));
        query.append('&');
      }
    }
    return Templates.audit(
            found.lines(),
            found.total(),
            new Pager(Math.max(0, page), pages),
            router,
            outcome,
            names.get(0),
            names.get(1),
            query.toString())
        .data("nav", "routes");
  }
}
