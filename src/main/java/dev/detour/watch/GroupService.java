package dev.detour.watch;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Creates, changes and removes groups; owns the defaults a group resolves to. */
@ApplicationScoped
public class GroupService {

  private final WatchRules rules;
  private final ProbeConfig config;
  private final Duration withdrawGrace;
  private final Families families;

  /**
   * @param withdrawGrace the routes' default grace, by its key: the route feature's own setting,
   *     shown here as a group's default
   * @param families the address families' default, by its key (the monitor's setting, checked at
   *     start by {@code MonitorConfig})
   */
  public GroupService(
      WatchRules rules,
      ProbeConfig config,
      @ConfigProperty(name = "detour.routes.withdraw-grace", defaultValue = "10m")
          Duration withdrawGrace,
      @ConfigProperty(name = "detour.monitor.families", defaultValue = "both") String families) {
    this.withdrawGrace = withdrawGrace;
    this.families = java.util.Objects.requireNonNullElse(Families.parse(families), Families.BOTH);
    this.rules = rules;
    this.config = config;
  }

  public List<GroupView> list() {
    List<Object[]> rows =
        WatchGroup.getEntityManager()
            .createQuery(
                "select g, (select count(w) from Watch w where w.group = g) from WatchGroup g"
                    + " order by g.name",
                Object[].class)
            .getResultList();
    return rows.stream().map(r -> view((WatchGroup) r[0], (Long) r[1])).toList();
  }

  /** How many watches each group holds disabled (groups with none are left out). */
  public Map<String, Long> disabledByGroup() {
    Map<String, Long> counts = new HashMap<>();
    WatchGroup.getEntityManager()
        .createQuery(
            "select w.group.name, count(w) from Watch w where w.enabled = false"
                + " group by w.group.name",
            Object[].class)
        .getResultList()
        .forEach(r -> counts.put((String) r[0], (Long) r[1]));
    return counts;
  }

  public GroupView get(String name) {
    WatchGroup group = require(name);
    return view(group, Watch.count("group", group));
  }

  /** The group of that name, or a 404 that says how to create it. */
  public WatchGroup require(String name) {
    return WatchGroup.findByName(name == null ? "" : name.strip().toLowerCase(Locale.ROOT))
        .orElseThrow(
            () ->
                ProblemException.notFound(
                    "no group named '" + name + "'; create it with POST /api/groups"));
  }

  @Transactional
  public GroupView create(GroupInput input) {
    List<FieldError> errors = new ArrayList<>();
    WatchGroup group = new WatchGroup();
    apply(group, input, errors);
    if (group.name != null && WatchGroup.findByName(group.name).isPresent()) {
      throw ProblemException.conflict("name", "a group named '" + group.name + "' exists already");
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid group", errors);
    }
    group.createdAt = group.updatedAt = Instant.now();
    group.persist();
    return view(group, 0);
  }

  @Transactional
  public GroupView update(String name, GroupInput input) {
    WatchGroup group = require(name);
    // Checked before the entity changes: the query would otherwise flush the clashing name.
    String wanted =
        input == null || input.name() == null
            ? null
            : input.name().strip().toLowerCase(Locale.ROOT);
    if (wanted != null && !wanted.equals(group.name) && WatchGroup.findByName(wanted).isPresent()) {
      throw ProblemException.conflict("name", "a group named '" + wanted + "' exists already");
    }
    List<FieldError> errors = new ArrayList<>();
    apply(group, input, errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid group", errors);
    }
    group.updatedAt = Instant.now();
    return view(group, Watch.count("group", group));
  }

  @Transactional
  public void delete(String name, boolean cascade) {
    WatchGroup group = require(name);
    long watches = Watch.count("group", group);
    if (watches > 0 && !cascade) {
      throw ProblemException.conflict(
          "name",
          "group '"
              + group.name
              + "' still has "
              + watches
              + " watches; delete them first or pass ?cascade=true");
    }
    Watch.delete("group", group);
    group.delete();
  }

  /**
   * The group for an import: found, or created with the defaults (its name goes to {@code
   * created}).
   */
  WatchGroup findOrCreate(String name, List<String> created) {
    return WatchGroup.findByName(name)
        .orElseGet(
            () -> {
              WatchGroup group = new WatchGroup();
              group.name = name;
              group.createdAt = group.updatedAt = Instant.now();
              group.persist();
              created.add(name);
              return group;
            });
  }

  private void apply(WatchGroup group, GroupInput input, List<FieldError> errors) {
    if (input == null) {
      throw ProblemException.invalidField(
          "Invalid group", null, "the request body is empty: send a JSON object with a \"name\"");
    }
    group.name = rules.groupName(input.name(), "name", errors);
    group.description = rules.note(input.description(), "description", errors);
    group.intervalSeconds = rules.interval(input.intervalSeconds(), "intervalSeconds", errors);
    group.probes = rules.probes(input.probes(), "probes", errors);
    group.routeBlocked = input.routeBlocked() == null || input.routeBlocked();
    group.routeWithdraw = routeWithdraw(input.routeWithdraw(), errors);
    group.routeQuicBlocks = Boolean.TRUE.equals(input.routeQuicBlocks());
    group.families = families(input.families(), errors);
  }

  /** Stored form of a families setting: its label, or null for the default. */
  private static String families(String text, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    Families f = Families.parse(text);
    if (f == null) {
      errors.add(
          FieldError.field(
              "families",
              "the address families to probe: "
                  + Families.WORDS
                  + " (or leave it out for the default), not "
                  + text));
      return null;
    }
    return f.label();
  }

  /** The address families a group's watches are probed over. */
  public Families effectiveFamilies(WatchGroup group) {
    Families own = Families.parse(group.families);
    return own != null ? own : families;
  }

  /** Stored form of a withdrawal setting: {@code keep}, seconds, or null for the default. */
  private static String routeWithdraw(String text, List<FieldError> errors) {
    if (text == null || text.isBlank()) {
      return null;
    }
    String t = text.strip().toLowerCase(Locale.ROOT);
    if (t.equals("keep")) {
      return t;
    }
    try {
      Duration d =
          Duration.parse(
              t.matches("\\d+")
                  ? "PT" + t + "S"
                  : t.matches("\\d+d")
                      ? "P" + t.toUpperCase(Locale.ROOT)
                      : "PT" + t.toUpperCase(Locale.ROOT));
      if (d.isNegative() || d.toDays() > 365) {
        throw new IllegalArgumentException();
      }
      return Long.toString(d.toSeconds());
    } catch (RuntimeException e) {
      errors.add(
          FieldError.field(
              "routeWithdraw",
              "how long routes stay after the block clears, e.g. 10m, 2h or 0s (at most 365 days),"
                  + " or keep (never withdrawn)"));
      return null;
    }
  }

  /** How long a group's routes stay after its watches clear; null means never ({@code keep}). */
  public Duration effectiveRouteWithdraw(WatchGroup group) {
    if (group.routeWithdraw == null) {
      return withdrawGrace;
    }
    return group.routeWithdraw.equals("keep")
        ? null
        : Duration.ofSeconds(Long.parseLong(group.routeWithdraw));
  }

  public Set<ProbeKind> effectiveProbes(WatchGroup group) {
    return group.probes != null ? group.probes : new TreeSet<>(config.kinds());
  }

  public long effectiveIntervalSeconds(WatchGroup group) {
    return group.intervalSeconds != null ? group.intervalSeconds : config.interval().toSeconds();
  }

  GroupView view(WatchGroup group, long watchCount) {
    return new GroupView(
        group.name,
        group.description,
        group.intervalSeconds,
        effectiveIntervalSeconds(group),
        group.probes,
        effectiveProbes(group),
        group.routeBlocked,
        group.routeWithdraw == null || group.routeWithdraw.equals("keep")
            ? group.routeWithdraw
            : group.routeWithdraw + "s",
        effectiveRouteWithdraw(group) == null
            ? "keep"
            : effectiveRouteWithdraw(group).toSeconds() + "s",
        group.routeQuicBlocks,
        Families.parse(group.families),
        effectiveFamilies(group),
        watchCount,
        group.createdAt,
        group.updatedAt);
  }
}
