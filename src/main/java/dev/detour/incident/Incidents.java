package dev.detour.incident;

import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The incident history: what is recorded (a watch's change of state with its evidence, a mass block
 * over many, an outage of this vantage, the control, a router or its tunnel, and the censor's
 * location once traced) and the questions the API, the pages and alerting ask of it. Every write
 * joins the caller's transaction, so a state is never stored without the incident that explains it.
 */
@ApplicationScoped
public class Incidents {

  /** How long a summary may be; longer ones end with "…". */
  static final int MAX_SUMMARY = 8000;

  /** What to list: each filter null (or false) when not asked for. */
  public record Query(
      Long watch, Set<Incident.Kind> kinds, Instant since, String toState, boolean members) {}

  /** A page of incidents and how many match in all. */
  public record Found(List<Incident> items, long total) {}

  /** A watch's change of state, as the monitor decided it. */
  public record StateChange(
      long watchId,
      String group,
      String target,
      String from,
      String to,
      String method,
      double confidence,
      Instant at,
      Instant firstBadAt,
      String summary,
      String evidence,
      String capture) {}

  /** Whether an incident groups others (a mass block, an allowlist mode): it has members. */
  public static boolean grouping(Incident i) {
    return Incident.Kind.MASS_BLOCK.name().equals(i.kind)
        || Incident.Kind.ALLOWLIST_MODE.name().equals(i.kind);
  }

  /** The newest incident's id (null without any): a new one means something to show. */
  @Transactional(Transactional.TxType.REQUIRES_NEW)
  public Long newest() {
    return Incident.getEntityManager()
        .createQuery("select max(i.id) from Incident i", Long.class)
        .getSingleResult();
  }

  /** Incidents matching {@code query}, newest first. */
  @Transactional
  public Found find(Query query, int page, int size) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (query.watch() != null) {
      where.add("watchId = :watch");
      params.and("watch", query.watch());
    }
    if (query.kinds() != null) {
      where.add("kind in :kinds");
      params.and("kinds", query.kinds().stream().map(Enum::name).toList());
    }
    if (query.since() != null) {
      where.add("at >= :since");
      params.and("since", query.since());
    }
    if (query.toState() != null) {
      where.add("toState = :to");
      params.and("to", query.toState().toUpperCase(Locale.ROOT));
    }
    if (!query.members()) {
      where.add("parentId is null");
    }
    Sort newest = Sort.descending("at", "id");
    var found =
        where.isEmpty()
            ? Incident.<Incident>findAll(newest)
            : Incident.<Incident>find(String.join(" and ", where), newest, params);
    long total = found.count();
    return new Found(found.page(Page.of(page, size)).list(), total);
  }

  @Transactional
  public Optional<Incident> get(long id) {
    return Incident.findByIdOptional(id);
  }

  /** The watches' own changes a mass block groups, oldest first. */
  @Transactional
  public List<Incident> members(long massId) {
    return Incident.<Incident>find("parentId", Sort.ascending("at", "id"), massId).list();
  }

  /**
   * The newest {@code n} blocks: watches turned blocked on their own, each mass block and each
   * spell of allowlist mode as one (their watches' changes are theirs).
   */
  @Transactional
  public List<Incident> recentBlocks(int n) {
    // A mass block is one row, not its members: they would push every other block off the list.
    return Incident.<Incident>find(
            "kind = ?1 and toState = ?2 and parentId is null or kind in ?3",
            Sort.descending("at", "id"),
            Incident.Kind.STATE_CHANGE.name(),
            "BLOCKED",
            List.of(Incident.Kind.MASS_BLOCK.name(), Incident.Kind.ALLOWLIST_MODE.name()))
        .page(Page.ofSize(n))
        .list();
  }

  /** The newest incident of a kind since {@code after}, if any. */
  @Transactional
  public Optional<Incident> latest(Incident.Kind kind, Instant after) {
    return Incident.<Incident>find(
            "kind = ?1 and at > ?2", Sort.descending("at", "id"), kind.name(), after)
        .firstResultOptional();
  }

  /** A watch's changes of state since {@code since}, oldest first. */
  @Transactional
  public List<Incident> changesOf(long watchId, Instant since) {
    return Incident.<Incident>find(
            "watchId = ?1 and kind = ?2 and at > ?3",
            Sort.ascending("at", "id"),
            watchId,
            Incident.Kind.STATE_CHANGE.name(),
            since)
        .list();
  }

  /** A watch's newest {@code n} incidents. */
  @Transactional
  public List<Incident> ofWatch(long watchId, int n) {
    return Incident.<Incident>find("watchId", Sort.descending("at", "id"), watchId)
        .page(Page.ofSize(n))
        .list();
  }

  /**
   * Takes the incidents alerting has not looked at, recorded at or before {@code until}, oldest
   * first and at most {@code max}, and marks them looked at {@code now}: in the caller's
   * transaction, so what goes wrong before it commits leaves them for the next look.
   */
  @Transactional(Transactional.TxType.MANDATORY)
  public List<Incident> takeUnalerted(Instant until, int max, Instant now) {
    List<Incident> due =
        Incident.<Incident>find("alertedAt is null and at <= ?1 order by id", until)
            .page(0, max)
            .list();
    due.forEach(i -> i.alertedAt = now);
    return due;
  }

  /**
   * A watch's latest change into {@code state} recorded before incident {@code before}, if any
   * (none for a watch deleted since: null).
   */
  @Transactional
  public Optional<Incident> lastChangeTo(Long watchId, String state, long before) {
    return Incident.<Incident>find(
            "watchId = ?1 and kind = ?2 and toState = ?3 and id < ?4 order by id desc",
            watchId,
            Incident.Kind.STATE_CHANGE.name(),
            state,
            before)
        .firstResultOptional();
  }

  /**
   * Whether a watch left {@code state} in a change recorded after incident {@code after}, at or
   * before {@code until}.
   */
  @Transactional
  public boolean leftWithin(long watchId, String state, long after, Instant until) {
    return Incident.count(
            "watchId = ?1 and kind = ?2 and fromState = ?3 and toState <> ?3 and id > ?4"
                + " and at <= ?5",
            watchId,
            Incident.Kind.STATE_CHANGE.name(),
            state,
            after,
            until)
        > 0;
  }

  /**
   * Whether an incident of {@code kind} about {@code target} (any target when null) was recorded
   * after incident {@code after}, at or before {@code until}.
   */
  @Transactional
  public boolean recordedWithin(Incident.Kind kind, String target, long after, Instant until) {
    return (target == null
            ? Incident.count("kind = ?1 and id > ?2 and at <= ?3", kind.name(), after, until)
            : Incident.count(
                "kind = ?1 and target = ?4 and id > ?2 and at <= ?3",
                kind.name(),
                after,
                until,
                target))
        > 0;
  }

  /** The first {@code n} targets of a mass block's watches, in order. */
  @Transactional
  public List<String> memberTargets(long massId, int n) {
    return Incident.getEntityManager()
        .createQuery(
            "select i.target from Incident i where i.parentId = :p order by i.target", String.class)
        .setParameter("p", massId)
        .setMaxResults(n)
        .getResultList();
  }

  /** The groups of a mass block's watches. */
  @Transactional
  public List<String> memberGroups(long massId) {
    return Incident.getEntityManager()
        .createQuery("select distinct i.group from Incident i where i.parentId = :p", String.class)
        .setParameter("p", massId)
        .getResultList();
  }

  /** The watches a mass block took in, but those deleted since. */
  @Transactional
  public List<Long> memberWatches(long massId) {
    return Incident.getEntityManager()
        .createQuery(
            "select distinct i.watchId from Incident i where i.parentId = :p"
                + " and i.watchId is not null",
            Long.class)
        .setParameter("p", massId)
        .getResultList();
  }

  /** Records a change of state; returns the incident's id. */
  @Transactional
  public long stateChange(StateChange c) {
    Incident incident = new Incident();
    incident.kind = Incident.Kind.STATE_CHANGE.name();
    incident.watchId = c.watchId();
    incident.group = c.group();
    incident.target = c.target();
    incident.fromState = c.from();
    incident.toState = c.to();
    incident.method = c.method();
    incident.confidence = c.confidence();
    incident.at = c.at();
    incident.firstBadAt = c.firstBadAt();
    incident.summary = truncate(c.summary());
    incident.evidence = c.evidence();
    incident.capture = c.capture();
    incident.persist();
    return incident.id;
  }

  /** An incident about no single watch (this vantage, the control). */
  @Transactional
  public long event(Incident.Kind kind, String summary) {
    return event(kind, null, summary);
  }

  /** An incident about a router (its name the target) or, with none, a vantage. */
  @Transactional
  public long event(Incident.Kind kind, String router, String summary) {
    Incident incident = new Incident();
    incident.kind = kind.name();
    incident.target = router;
    incident.at = Instant.now();
    incident.summary = truncate(summary);
    incident.persist();
    return incident.id;
  }

  /**
   * Opens a mass-block incident over these watches' incidents.
   *
   * @param method the block's method as stored (upper case)
   * @param label the method in words for the summary
   */
  @Transactional
  public long massBlock(String method, String label, List<Long> members, Instant firstAt) {
    Incident mass = new Incident();
    mass.kind = Incident.Kind.MASS_BLOCK.name();
    mass.method = method;
    mass.at = Instant.now();
    mass.firstBadAt = firstAt;
    mass.toState = "BLOCKED";
    mass.persist();
    attach(mass, label, members);
    return mass.id;
  }

  /** Adds watches' incidents to an open mass-block incident. */
  @Transactional
  public void join(long massId, String label, List<Long> members) {
    Incident mass = Incident.findById(massId);
    if (mass != null) {
      attach(mass, label, members);
    }
  }

  /**
   * Opens an allowlist-mode incident over these watches: each one's latest change, when it is to
   * blocked at or after {@code since}, becomes its member, and so does the mass block that change
   * had joined (one message for all of it). Older blocks of the same watches stay as they were.
   */
  @Transactional
  public long allowlist(String summary, List<Long> watches, Instant since) {
    Incident mode = new Incident();
    mode.kind = Incident.Kind.ALLOWLIST_MODE.name();
    mode.method = "ALLOWLIST";
    mode.toState = "BLOCKED";
    mode.at = Instant.now();
    mode.firstBadAt = since;
    mode.summary = truncate(summary);
    mode.persist();
    var em = Incident.getEntityManager();
    for (int from = 0; from < watches.size(); from += 1000) {
      List<Long> chunk = watches.subList(from, Math.min(watches.size(), from + 1000));
      List<Long> latest =
          em.createQuery(
                  "select max(i.id) from Incident i where i.watchId in :w and i.kind = :k"
                      + " group by i.watchId",
                  Long.class)
              .setParameter("w", chunk)
              .setParameter("k", Incident.Kind.STATE_CHANGE.name())
              .getResultList();
      List<Long> blocks =
          latest.isEmpty()
              ? List.of()
              : em.createQuery(
                      "select i.id from Incident i where i.id in :ids and i.toState = 'BLOCKED'"
                          + " and i.at >= :since",
                      Long.class)
                  .setParameter("ids", latest)
                  .setParameter("since", since)
                  .getResultList();
      if (blocks.isEmpty()) {
        continue;
      }
      List<Long> masses =
          em.createQuery(
                  "select distinct i.parentId from Incident i where i.id in :ids"
                      + " and i.parentId is not null",
                  Long.class)
              .setParameter("ids", blocks)
              .getResultList();
      if (!masses.isEmpty()) {
        Incident.update(
            "parentId = ?1 where id in ?2 and kind = ?3",
            mode.id,
            masses,
            Incident.Kind.MASS_BLOCK.name());
      }
      Incident.update("parentId = ?1 where id in ?2", mode.id, blocks);
    }
    mode.members = watches.size();
    return mode.id;
  }

  /** A watch's change to blocked joins an open allowlist-mode incident. */
  @Transactional
  public void joinAllowlist(long modeId, long incident) {
    Incident mode = Incident.findById(modeId);
    if (mode != null) {
      Incident.update("parentId = ?1 where id = ?2", modeId, incident);
      mode.members = (mode.members == null ? 0 : mode.members) + 1;
    }
  }

  /** The open allowlist-mode incident (one not lifted since), if any. */
  @Transactional
  public Optional<Incident> openAllowlist() {
    Optional<Incident> mode =
        Incident.<Incident>find(
                "kind", Sort.descending("at", "id"), Incident.Kind.ALLOWLIST_MODE.name())
            .firstResultOptional();
    return mode.filter(
        m ->
            Incident.count("kind = ?1 and id > ?2", Incident.Kind.ALLOWLIST_LIFTED.name(), m.id)
                == 0);
  }

  /** Records where the censor sits (JSON) on the incident of a block. */
  @Transactional
  public void censor(long incidentId, String location) {
    Incident i = Incident.findById(incidentId);
    if (i != null) {
      i.censor = location;
    }
  }

  private static void attach(Incident mass, String label, List<Long> members) {
    if (!members.isEmpty()) {
      Incident.update("parentId = ?1 where id in ?2", mass.id, members);
    }
    long count = Incident.count("parentId", mass.id);
    mass.members = (int) count;
    String range =
        CommonRange.of(
            Incident.getEntityManager()
                .createQuery("select i.target from Incident i where i.parentId = :m", String.class)
                .setParameter("m", mass.id)
                .getResultList());
    mass.summary =
        count
            + " watches blocked by "
            + label
            + " together (one mass block)"
            + (range == null ? "" : ", all in " + range);
  }

  static String truncate(String text) {
    return text.length() <= MAX_SUMMARY ? text : text.substring(0, MAX_SUMMARY - 1) + "…";
  }
}
