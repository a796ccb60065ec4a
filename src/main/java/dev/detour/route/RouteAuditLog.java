package dev.detour.route;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;

/** Writes and reads the audit log of route changes and switches. */
@ApplicationScoped
public class RouteAuditLog {

  /**
   * What a line says: a change of a router's routes ({@code add}, {@code remove}), a check ({@code
   * verify}), a sync that failed, a switch flipped or a pin or exclusion changed — by whom, why and
   * with what outcome.
   *
   * @param router the router, or null for what concerns them all
   */
  public record Change(
      String router,
      String action,
      String prefix,
      String outcome,
      String actor,
      String reason,
      String detail) {}

  /** One line as the API shows it: its number, when, and the change (flat in JSON). */
  public record Line(long id, Instant at, @JsonUnwrapped Change change) {}

  /** Records one line ({@link #entry}), in the caller's transaction or a new one. */
  public void record(RouteAudit line) {
    QuarkusTransaction.joiningExisting().run(line::persist);
  }

  /** Records many lines in one transaction of its own (a sync's changes). */
  public void recordAll(List<RouteAudit> lines) {
    if (!lines.isEmpty()) {
      QuarkusTransaction.requiringNew().run(() -> RouteAudit.persist(lines));
    }
  }

  static RouteAudit entry(Change c) {
    RouteAudit a = new RouteAudit();
    a.at = Instant.now();
    a.router = c.router();
    a.action = c.action();
    a.prefix = c.prefix();
    a.outcome = c.outcome();
    a.actor = c.actor();
    a.reason = cut(c.reason(), 500);
    a.detail = cut(c.detail(), 2000);
    return a;
  }

  /** The newest lines first, optionally of one router, at most {@code limit}. */
  public List<Line> recent(String router, int limit) {
    List<RouteAudit> rows =
        router == null
            ? RouteAudit.find("order by id desc").page(0, limit).list()
            : RouteAudit.find("router = ?1 order by id desc", router).page(0, limit).list();
    return rows.stream()
        .map(
            a ->
                new Line(
                    a.id,
                    a.at,
                    new Change(
                        a.router, a.action, a.prefix, a.outcome, a.actor, a.reason, a.detail)))
        .toList();
  }

  /** A page of the log, newest first, and how many lines match in all. */
  public record Page(List<Line> lines, long total) {}

  /** The lines of one router (null: all) and one outcome (null: any), a page at a time. */
  public Page page(String router, String outcome, int page, int size) {
    StringBuilder where = new StringBuilder("1 = 1");
    java.util.Map<String, Object> params = new java.util.HashMap<>();
    if (router != null && !router.isBlank()) {
      where.append(" and router = :router");
      params.put("router", router.strip());
    }
    if (outcome != null && !outcome.isBlank()) {
      where.append(" and outcome = :outcome");
      params.put("outcome", outcome.strip());
    }
    long total = RouteAudit.count(where.toString(), params);
    List<Line> lines =
        RouteAudit.<RouteAudit>find(where + " order by id desc", params)
            .page(page, size)
            .list()
            .stream()
            .map(RouteAuditLog::line)
            .toList();
    return new Page(lines, total);
  }

  /** The routers and outcomes the log names, for the page's filters. */
  public List<List<String>> names() {
    var em = RouteAudit.getEntityManager();
    return List.of(
        em.createQuery(
                "select distinct a.router from RouteAudit a where a.router is not null order by 1",
                String.class)
            .getResultList(),
        em.createQuery(
                "select distinct a.outcome from RouteAudit a where a.outcome is not null order by 1",
                String.class)
            .getResultList());
  }

  private static Line line(RouteAudit a) {
    return new Line(
        a.id,
        a.at,
        new Change(a.router, a.action, a.prefix, a.outcome, a.actor, a.reason, a.detail));
  }

  private static String cut(String s, int max) {
    if (s == null) {
      return "";
    }
    return s.length() <= max ? s : s.substring(0, max - 1) + "…";
  }
}
