package dev.detour.watch;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.api.ProblemException;
import dev.detour.watch.io.ExportFormat;
import dev.detour.watch.io.ListWriter;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Streams watches out group by group, in pages of a short transaction each, so an export of a
 * million watches neither holds a transaction open nor the list in memory.
 */
@ApplicationScoped
public class WatchExportService {

  private static final int PAGE = 2000;

  private final EntityManager em;
  private final WatchService watches;
  private final ObjectMapper mapper;

  public WatchExportService(EntityManager em, WatchService watches, ObjectMapper mapper) {
    this.em = em;
    this.watches = watches;
    this.mapper = mapper;
  }

  /** The export format by its name, or a problem that lists the formats there are. */
  public static ExportFormat format(String name) {
    ExportFormat format = ExportFormat.byName(name);
    if (format == null) {
      throw ProblemException.invalidField(
          "Invalid export",
          "format",
          "unknown format '" + name + "'; use one of " + ExportFormat.allNames());
    }
    return format;
  }

  public void export(
      WatchService.Query query, ExportFormat format, String gateway, OutputStream out)
      throws IOException {
    export(query, page -> page, format, gateway, out);
  }

  /**
   * Writes the watches that match {@code query} and that {@code keep} keeps of each page read (for
   * filters the database does not know, such as the monitor's state).
   */
  public void export(
      WatchService.Query query,
      UnaryOperator<List<WatchView>> keep,
      ExportFormat format,
      String gateway,
      OutputStream out)
      throws IOException {
    WatchService.Filter filter = WatchService.filter(query);
    List<String> groupNames =
        inTransaction(
            filter,
            "select distinct w.group.name from Watch w where %s order by w.group.name",
            String.class,
            q -> q.getResultList());
    ListWriter writer = format.writer(out, mapper, gateway);
    writer.begin();
    for (String group : groupNames) {
      long after = 0;
      while (true) {
        long from = after;
        List<WatchView> page =
            inTransaction(
                filter,
                "select w from Watch w join fetch w.group where %s"
                    + " and w.group.name = :exportGroup and w.id > :after order by w.id",
                Watch.class,
                q ->
                    q.setParameter("exportGroup", group)
                        .setParameter("after", from)
                        .setMaxResults(PAGE)
                        .getResultStream()
                        .map(w -> watches.view(w, List.of()))
                        .toList());
        for (WatchView watch : keep.apply(page)) {
          writer.write(watch);
        }
        if (page.size() < PAGE) {
          break;
        }
        after = page.get(page.size() - 1).id();
      }
    }
    writer.end();
  }

  /**
   * A query of the filter's watches ({@code %s} in {@code jpql} is the filter's condition), run in
   * a short transaction of its own: an export of any size holds none open while it writes.
   */
  private <T, R> R inTransaction(
      WatchService.Filter filter,
      String jpql,
      Class<T> type,
      java.util.function.Function<jakarta.persistence.TypedQuery<T>, R> run) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> run.apply(filter.bind(em.createQuery(jpql.replace("%s", filter.where()), type))));
  }
}
