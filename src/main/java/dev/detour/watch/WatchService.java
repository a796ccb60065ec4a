package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.targets.Covering;
import dev.detour.targets.InvalidTargetException;
import dev.detour.targets.ParsedTarget;
import dev.detour.targets.TargetKind;
import dev.detour.targets.TargetParser;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.TypedQuery;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/** Creates, changes, finds and removes watches. */
@ApplicationScoped
public class WatchService {

  static final int MAX_PAGE_SIZE = 1000;

  private final TargetParser parser;
  private final WatchRules rules;
  private final GroupService groups;
  private final EntityManager em;

  public WatchService(
      TargetParser parser, WatchRules rules, GroupService groups, EntityManager em) {
    this.parser = parser;
    this.rules = rules;
    this.groups = groups;
    this.em = em;
  }

  /** What a list request asks for; null fields do not filter. */
  public record Query(
      String group,
      String tag,
      String text,
      TargetKind kind,
      Boolean enabled,
      int page,
      int size) {}

  public record Page(List<WatchView> items, long total) {}

  public Page list(Query query) {
    List<FieldError> errors = new ArrayList<>();
    if (query.page() < 0) {
      errors.add(FieldError.field("page", "page numbers start at 0"));
    }
    if (query.size() < 1 || query.size() > MAX_PAGE_SIZE) {
      errors.add(FieldError.field("size", "size is 1 to " + MAX_PAGE_SIZE));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid query", errors);
    }
    Filter filter = filter(query);
    // Without conditions the count is the table's (H2 keeps it; "where 1 = 1" walked an index),
    // and the page is read by id first: the primary key in order, a page's rows and no more. Read
    // with the group joined, H2 began from the group and sorted all of its watches for each page
    // (100,000 rows a request at 100,000 watches).
    long total =
        filter
            .bind(em.createQuery("select count(w) from Watch w" + filter.clause(), Long.class))
            .getSingleResult();
    List<Long> ids =
        filter
            .ids(em)
            .setFirstResult(query.page() * query.size())
            .setMaxResults(query.size())
            .getResultList();
    return new Page(byIds(ids), total);
  }

  /** These watches (a page's ids, at most a few hundred) in the order given; gone ones left out. */
  public List<WatchView> byIds(List<Long> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<Long, WatchView> found = new HashMap<>();
    em.createQuery("select w from Watch w join fetch w.group where w.id in :ids", Watch.class)
        .setParameter("ids", ids)
        .getResultStream()
        .forEach(w -> found.put(w.id, view(w, List.of())));
    return ids.stream().map(found::get).filter(Objects::nonNull).toList();
  }

  /** A JPQL condition on {@code Watch w} and its parameters. */
  public record Filter(String where, Map<String, Object> params) {

    /**
     * The order a page is read in: by id, within the group when one is asked (the same order, and
     * the one the index on (group_id, id) gives without sorting the group).
     */
    public String order() {
      return params.containsKey("group") ? "w.group.id, w.id" : "w.id";
    }

    public <T> TypedQuery<T> bind(TypedQuery<T> query) {
      params.forEach(query::setParameter);
      return query;
    }

    /** The matching watches' ids in the list's order. */
    public TypedQuery<Long> ids(jakarta.persistence.EntityManager em) {
      return bind(
          em.createQuery(
              "select w.id from Watch w" + clause() + " order by " + order(), Long.class));
    }

    /** {@code " where …"}, or nothing when there is no condition. */
    public String clause() {
      return where.equals(ALL) ? "" : " where " + where;
    }
  }

  private static final String ALL = "1 = 1";

  public static Filter filter(Query query) {
    StringBuilder where = new StringBuilder(ALL);
    Map<String, Object> params = new HashMap<>();
    if (query.group() != null && !query.group().isBlank()) {
      // The group's id, not a join: with the index on (group_id, id) a page reads its own rows.
      where.append(" and w.group.id = (select g.id from WatchGroup g where g.name = :group)");
      params.put("group", query.group().strip().toLowerCase(Locale.ROOT));
    }
    if (query.tag() != null && !query.tag().isBlank()) {
      where.append(" and w.tagsColumn like :tag");
      params.put("tag", TagsConverter.likePattern(query.tag().strip().toLowerCase(Locale.ROOT)));
    }
    if (query.text() != null && !query.text().isBlank()) {
      // An address also finds the address and prefix watches that hold it.
      List<String> covering = Covering.targets(query.text());
      where.append(" and (w.target like :text escape '!' or lower(w.note) like :text escape '!'");
      where.append(covering.isEmpty() ? ")" : " or w.target in :covering)");
      params.put("text", "%" + escapeLike(query.text().strip().toLowerCase(Locale.ROOT)) + "%");
      if (!covering.isEmpty()) {
        params.put("covering", covering);
      }
    }
    if (query.kind() != null) {
      where.append(" and w.kind = :kind");
      params.put("kind", query.kind());
    }
    if (query.enabled() != null) {
      where.append(" and w.enabled = :enabled");
      params.put("enabled", query.enabled());
    }
    return new Filter(where.toString(), params);
  }

  private static String escapeLike(String text) {
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_");
  }

  public WatchView get(long id) {
    return view(require(id), List.of());
  }

  @Transactional
  public WatchView create(WatchInput input) {
    Watch watch = new Watch();
    List<String> warnings = apply(watch, input, null);
    watch.createdAt = watch.updatedAt = Instant.now();
    watch.persist();
    return view(watch, warnings);
  }

  @Transactional
  public WatchView update(long id, WatchInput input) {
    Watch watch = require(id);
    List<String> warnings = apply(watch, input, id);
    watch.updatedAt = Instant.now();
    return view(watch, warnings);
  }

  @Transactional
  public void delete(long id) {
    if (!Watch.deleteById(id)) {
      throw notFound(id);
    }
  }

  private Watch require(long id) {
    Watch watch = Watch.findById(id);
    if (watch == null) {
      throw notFound(id);
    }
    return watch;
  }

  private static ProblemException notFound(long id) {
    return ProblemException.notFound("no watch with id " + id);
  }

  /**
   * Validates the whole input before it touches the entity, so a refused write changes nothing, and
   * reports every bad field at once.
   */
  private List<String> apply(Watch watch, WatchInput input, Long self) {
    if (input == null) {
      throw ProblemException.invalidField(
          "Invalid watch",
          null,
          "the request body is empty: send a JSON object with \"target\" and \"group\"");
    }
    List<FieldError> errors = new ArrayList<>();
    ParsedTarget parsed = null;
    try {
      parsed = parser.parse(input.target());
    } catch (InvalidTargetException e) {
      errors.add(FieldError.field("target", e.getMessage()));
    }
    String groupName = rules.groupName(input.group(), "group", errors);
    WatchGroup group = null;
    if (groupName != null) {
      group = WatchGroup.findByName(groupName).orElse(null);
      if (group == null) {
        errors.add(
            FieldError.field(
                "group",
                "no group named '"
                    + groupName
                    + "'; create it first with POST /api/groups {\"name\": \""
                    + groupName
                    + "\"}"));
      }
    }
    // A URL's explicit port is the watch's port unless ports were given (it was 80 and 443).
    boolean urlPort =
        (input.ports() == null || input.ports().isEmpty())
            && parsed != null
            && parsed.urlPort() != null;
    var ports = rules.ports(urlPort ? List.of(parsed.urlPort()) : input.ports(), "ports", errors);
    var probes = rules.probes(input.probes(), "probes", errors);
    var tags = rules.tags(input.tags(), "tags", errors);
    var note = rules.note(input.note(), "note", errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid watch", errors);
    }
    Watch clash =
        Watch.find("group = ?1 and target = ?2", group, parsed.target().value()).firstResult();
    if (clash != null && !clash.id.equals(self)) {
      throw ProblemException.conflict(
          "target",
          parsed.target().value()
              + " is already watched in group '"
              + group.name
              + "' (watch "
              + clash.id
              + ")");
    }
    watch.target = parsed.target().value();
    watch.kind = parsed.target().kind();
    watch.group = group;
    watch.ports = ports;
    watch.probes = probes;
    watch.tags = tags;
    watch.note = note;
    boolean enabled = input.enabled() == null || input.enabled();
    if (enabled != watch.enabled) {
      // Enabled or disabled by hand: a pause is over.
      watch.resumeAt = null;
    }
    watch.enabled = enabled;
    if (!urlPort) {
      return parsed.warnings();
    }
    List<String> warnings = new ArrayList<>(parsed.warnings());
    warnings.add("port " + parsed.urlPort() + " from the URL is the port probed");
    return warnings;
  }

  WatchView view(Watch watch, List<String> warnings) {
    return new WatchView(
        watch.id,
        watch.target,
        watch.kind,
        watch.group.name,
        watch.ports,
        watch.probes,
        watch.probes != null ? new TreeSet<>(watch.probes) : groups.effectiveProbes(watch.group),
        watch.tags,
        watch.note,
        watch.enabled,
        watch.createdAt,
        watch.updatedAt,
        watch.resumeAt,
        warnings);
  }
}
