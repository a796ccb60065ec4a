package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.system.Periodic;
import dev.detour.targets.TargetKind;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * One action on many watches — a selection of ids, every watch a filter matches, or a group — done
 * by the database in one statement and one transaction: enable, disable, pause until a moment, move
 * to another group, delete. Asked with {@code dryRun}, it only counts: what the UI shows before the
 * user confirms. 44,036 watches enable in one update, not 44,036 requests.
 */
@ApplicationScoped
public class WatchBulk {

  /** Ids in one request at most; past that, a filter says it in a line. */
  public static final int MAX_IDS = 10_000;

  /** The longest pause: a watch paused for over a year is a watch to disable. */
  static final Duration MAX_PAUSE = Duration.ofDays(366);

  /** What to do. */
  public enum Action {
    ENABLE,
    DISABLE,
    PAUSE,
    MOVE,
    DELETE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Which watches: exactly one of {@code ids} and {@code filter} ({@code {}} is every watch). */
  public record Request(
      String action,
      List<Long> ids,
      Selection filter,
      String group,
      Instant until,
      Boolean dryRun) {}

  /** The list's filters, as {@code GET /api/watches} takes them. */
  public record Selection(String group, String tag, String q, TargetKind kind, Boolean enabled) {}

  /** What was (or, in a dry run, would be) done: watches matched and changed. */
  public record Result(
      String action, long matched, long changed, boolean dryRun, Instant until, String group) {}

  private static final Logger LOG = Logger.getLogger(WatchBulk.class);

  private final EntityManager em;
  private final WatchRules rules;

  public WatchBulk(EntityManager em, WatchRules rules) {
    this.em = em;
    this.rules = rules;
  }

  void onStart(@Observes StartupEvent event, Periodic periodic) {
    periodic.every(
        "detour-watch-resume",
        Duration.ofSeconds(5),
        Duration.ofSeconds(30),
        () -> {
          int resumed = resumeDue(Instant.now());
          if (resumed > 0) {
            LOG.infof("%d paused watches are enabled again: their pause ended", resumed);
          }
        });
  }

  /** Runs a request of the API: at most {@link #MAX_IDS} ids. */
  @Transactional
  public Result run(Request r) {
    if (r != null && r.ids() != null && r.ids().size() > MAX_IDS) {
      throw ProblemException.invalidField(
          "Invalid bulk action",
          "ids",
          "1 to " + MAX_IDS + " ids; for more, act on a filter or a group");
    }
    return runAny(r);
  }

  /**
   * Runs a request with any number of ids (the pages' "all that match", when the filter has a state
   * the database does not keep): the statements go a few thousand ids at a time, all in this one
   * transaction.
   */
  @Transactional
  public Result runAny(Request r) {
    if (r == null) {
      throw ProblemException.invalidField(
          "Invalid bulk action",
          null,
          "the request body is empty: send {\"action\": \"enable\", \"filter\": {\"group\": …}}");
    }
    List<FieldError> errors = new ArrayList<>();
    Action action = action(r.action(), errors);
    Map<String, Object> params = new HashMap<>();
    String where = where(r, params, errors);
    WatchGroup dest = null;
    if (action == Action.MOVE) {
      String name = rules.groupName(r.group(), "group", errors);
      if (name != null) {
        dest = WatchGroup.findByName(name).orElse(null);
        if (dest == null) {
          errors.add(FieldError.field("group", "no group named '" + name + "'; create it first"));
        }
      }
    }
    Instant now = Instant.now();
    if (action == Action.PAUSE) {
      if (r.until() == null) {
        errors.add(FieldError.field("until", "a pause needs the moment it ends (ISO-8601)"));
      } else if (!r.until().isAfter(now)) {
        errors.add(FieldError.field("until", "the pause must end in the future"));
      } else if (r.until().isAfter(now.plus(MAX_PAUSE))) {
        errors.add(FieldError.field("until", "at most a year ahead; disable the watches instead"));
      }
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid bulk action", errors);
    }
    if (dest != null) {
      params.put("dest", dest);
    }
    List<List<Long>> chunks = chunks(r.ids());
    boolean dry = Boolean.TRUE.equals(r.dryRun());
    String changing = where + changedOnly(action);
    long started = System.nanoTime();
    long matched = 0;
    long changed = 0;
    for (List<Long> chunk : chunks) {
      params.put("ids", chunk);
      matched += count(where, params);
      if (dest != null) {
        clashes(where, params, dest);
      }
      // A dry run counts what would change; a real one is told by the update itself.
      changed += dry ? count(changing, params) : 0;
    }
    if (dest != null) {
      twins(where, params, chunks, dest);
    }
    if (!dry) {
      for (List<Long> chunk : chunks) {
        params.put("ids", chunk);
        try {
          changed += apply(action, changing, params, now, r.until());
        } catch (jakarta.persistence.PersistenceException e) {
          if (dest == null) {
            throw e;
          }
          // A move that would put one target twice in a group, not seen by the checks above
          // (watches changed meanwhile): refused whole, the transaction rolls back.
          throw ProblemException.conflict(
              "group",
              "the move would watch a target twice in group '"
                  + dest.name
                  + "'; nothing was moved ("
                  + e.getClass().getSimpleName()
                  + ")");
        }
      }
      LOG.infof(
          "Bulk %s: %d watches matched, %d changed in %d ms",
          action.label(), matched, changed, (System.nanoTime() - started) / 1_000_000);
    }
    return new Result(
        action.label(),
        matched,
        changed,
        dry,
        action == Action.PAUSE ? r.until() : null,
        dest == null ? null : dest.name);
  }

  /** Ids a statement at a time (one empty chunk for a filter, which has none). */
  private static List<List<Long>> chunks(List<Long> ids) {
    if (ids == null) {
      return List.of(List.of());
    }
    List<List<Long>> chunks = new ArrayList<>();
    for (int from = 0; from < ids.size(); from += 5_000) {
      chunks.add(ids.subList(from, Math.min(ids.size(), from + 5_000)));
    }
    return chunks;
  }

  private static Action action(String name, List<FieldError> errors) {
    if (name != null) {
      try {
        return Action.valueOf(name.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        // told below
      }
    }
    errors.add(FieldError.field("action", "must be one of enable, disable, pause, move, delete"));
    return null;
  }

  private static String where(Request r, Map<String, Object> params, List<FieldError> errors) {
    boolean ids = r.ids() != null;
    if (ids == (r.filter() != null)) {
      errors.add(
          FieldError.field(
              "ids",
              "give either \"ids\" (a selection) or \"filter\" (every watch it matches; {} is all),"
                  + " not "
                  + (ids ? "both" : "neither")));
      return "1 = 0";
    }
    if (ids) {
      if (r.ids().isEmpty()) {
        errors.add(FieldError.field("ids", "no watch selected: tick some, or act on a filter"));
      }
      return "w.id in :ids";
    }
    Selection s = r.filter();
    WatchService.Filter f =
        WatchService.filter(
            new WatchService.Query(s.group(), s.tag(), s.q(), s.kind(), s.enabled(), 0, 1));
    params.putAll(f.params());
    return f.where();
  }

  /**
   * A move of two watches of one target (from two groups) into one group is refused whole too,
   * naming a few; counted over the whole selection, not a chunk at a time.
   */
  private void twins(
      String where, Map<String, Object> params, List<List<Long>> chunks, WatchGroup dest) {
    List<String> targets = new ArrayList<>();
    for (List<Long> chunk : chunks) {
      params.put("ids", chunk);
      targets.addAll(
          bind(
                  em.createQuery("select w.target from Watch w where " + where, String.class),
                  params,
                  where)
              .getResultList());
    }
    java.util.Set<String> seen = new java.util.HashSet<>();
    List<String> twice = targets.stream().filter(t -> !seen.add(t)).distinct().limit(5).toList();
    if (!twice.isEmpty()) {
      throw ProblemException.conflict(
          "group",
          "the selection holds the same target in more than one group ("
              + String.join(", ", twice)
              + "), and a group watches a target once: narrow the selection; nothing was moved"
              + " to '"
              + dest.name
              + "'");
    }
  }

  /** The part of the matched watches the action changes. */
  private static String changedOnly(Action action) {
    return switch (action) {
      case ENABLE -> " and (w.enabled = false or w.resumeAt is not null)";
      case DISABLE -> " and (w.enabled = true or w.resumeAt is not null)";
      case MOVE -> " and w.group <> :dest";
      case PAUSE, DELETE -> "";
    };
  }

  private long count(String where, Map<String, Object> params) {
    return bind(
            em.createQuery("select count(w) from Watch w where " + where, Long.class),
            params,
            where)
        .getSingleResult();
  }

  /** A move that would put a target twice in one group is refused whole, naming a few. */
  private void clashes(String where, Map<String, Object> params, WatchGroup dest) {
    String clash =
        where
            + " and w.group <> :dest and exists (select 1 from Watch o"
            + " where o.group = :dest and o.target = w.target)";
    long n = count(clash, params);
    if (n == 0) {
      return;
    }
    List<String> some =
        bind(
                em.createQuery(
                    "select w.target from Watch w where " + clash + " order by w.id", String.class),
                params,
                clash)
            .setMaxResults(5)
            .getResultList();
    throw ProblemException.conflict(
        "group",
        n
            + (n == 1 ? " watch's target is" : " watches' targets are")
            + " already watched in group '"
            + dest.name
            + "' ("
            + String.join(", ", some)
            + (n > some.size() ? ", …" : "")
            + "): leave them out of the selection, or delete them there first; nothing was moved");
  }

  /** Changes the watches; returns how many. */
  private int apply(
      Action action, String where, Map<String, Object> params, Instant now, Instant until) {
    String set =
        switch (action) {
          case ENABLE -> "w.enabled = true, w.resumeAt = null";
          case DISABLE -> "w.enabled = false, w.resumeAt = null";
          case PAUSE -> "w.enabled = false, w.resumeAt = :until";
          case MOVE -> "w.group = :dest";
          case DELETE -> null;
        };
    Query q =
        set == null
            ? em.createQuery("delete from Watch w where " + where)
            : em.createQuery(
                "update Watch w set "
                    + set
                    + ", w.updatedAt = :now, w.version = w.version + 1 where "
                    + where);
    Map<String, Object> all = new HashMap<>(params);
    if (set != null) {
      all.put("now", now);
    }
    if (action == Action.PAUSE) {
      all.put("until", until);
    }
    bind(q, all, where + (set == null ? "" : set + ":now"));
    return q.executeUpdate();
  }

  /** Binds the parameters the statement names (a parameter it does not name is an error). */
  private static <Q extends Query> Q bind(Q q, Map<String, Object> params, String text) {
    params.forEach(
        (name, value) -> {
          if (text.contains(":" + name)) {
            q.setParameter(name, value);
          }
        });
    return q;
  }

  /** Ends the pauses due by {@code now}: those watches are enabled again; returns how many. */
  @Transactional
  public int resumeDue(Instant now) {
    return em.createQuery(
            "update Watch w set w.enabled = true, w.resumeAt = null, w.updatedAt = :now,"
                + " w.version = w.version + 1 where w.resumeAt <= :now")
        .setParameter("now", now)
        .executeUpdate();
  }
}
