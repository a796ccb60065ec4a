package dev.detour.route;

import dev.detour.api.ProblemException;
import inet.ipaddr.IPAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The user's pins (always routed, unless a guard rail forbids it) and exclusions (never routed):
 * those added through the API, and those in the configuration (shown, not deletable).
 */
@ApplicationScoped
public class RouteRules {

  /** A pin or exclusion as the API shows it; {@code id} is null for configured ones. */
  public record View(
      Long id, String prefix, String note, String source, Instant createdAt, String createdBy) {}

  /** What a client sends to add one. */
  public record Input(String prefix, String note) {}

  private final RoutesConfig config;
  private final RouteAuditLog audit;

  public RouteRules(RoutesConfig config, RouteAuditLog audit) {
    this.config = config;
    this.audit = audit;
  }

  public List<View> list(RouteRule.Kind kind) {
    List<View> all = new ArrayList<>();
    for (String p : configured(kind)) {
      all.add(new View(null, Prefixes.normalise(p), null, "config", null, null));
    }
    RouteRule.<RouteRule>list("kind = ?1 order by id", name(kind))
        .forEach(r -> all.add(new View(r.id, r.prefix, r.note, "api", r.createdAt, r.createdBy)));
    return all;
  }

  /** Every prefix of that kind, configured or added. */
  public List<String> prefixes(RouteRule.Kind kind) {
    return list(kind).stream().map(View::prefix).toList();
  }

  @Transactional
  public View add(RouteRule.Kind kind, Input input, String actor) {
    if (input == null) {
      throw ProblemException.invalidField(
          "Invalid " + name(kind), null, "send a JSON object with a \"prefix\"");
    }
    String prefix;
    try {
      IPAddress p = Prefixes.parse(input.prefix());
      int min = p.isIPv4() ? config.minPrefixIpv4() : config.minPrefixIpv6();
      if (kind == RouteRule.Kind.PIN && p.getNetworkPrefixLength() < min) {
        throw new IllegalArgumentException(
            "a route shorter than /"
                + min
                + " is never pushed (detour.routes.min-prefix-ipv"
                + (p.isIPv4() ? "4" : "6")
                + "): pin the prefixes that are blocked instead");
      }
      prefix = p.toCanonicalString();
    } catch (IllegalArgumentException e) {
      throw ProblemException.invalidField("Invalid " + name(kind), "prefix", e.getMessage());
    }
    if (input.note() != null && input.note().length() > 500) {
      throw ProblemException.invalidField(
          "Invalid " + name(kind), "note", "at most 500 characters");
    }
    if (RouteRule.count("kind = ?1 and prefix = ?2", name(kind), prefix) > 0
        || configured(kind).stream().map(Prefixes::normalise).anyMatch(prefix::equals)) {
      throw ProblemException.conflict("prefix", prefix + " is already a " + name(kind));
    }
    RouteRule r = new RouteRule();
    r.kind = name(kind);
    r.prefix = prefix;
    r.note = input.note() == null || input.note().isBlank() ? null : input.note().strip();
    r.createdAt = Instant.now();
    r.createdBy = actor;
    r.persist();
    audit.record(
        RouteAuditLog.entry(
            new RouteAuditLog.Change(
                null, name(kind), prefix, "ok", actor, r.note == null ? "" : r.note, "added")));
    return new View(r.id, r.prefix, r.note, "api", r.createdAt, r.createdBy);
  }

  @Transactional
  public void delete(RouteRule.Kind kind, long id, String actor) {
    RouteRule r = RouteRule.find("kind = ?1 and id = ?2", name(kind), id).firstResult();
    if (r == null) {
      throw ProblemException.notFound(
          "no " + name(kind) + " with id " + id + " (configured ones are changed in the config)");
    }
    r.delete();
    audit.record(
        RouteAuditLog.entry(
            new RouteAuditLog.Change(null, name(kind), r.prefix, "ok", actor, "", "removed")));
  }

  private List<String> configured(RouteRule.Kind kind) {
    return (kind == RouteRule.Kind.PIN ? config.pins() : config.exclusions()).orElse(List.of());
  }

  static String name(RouteRule.Kind kind) {
    return kind.name().toLowerCase(Locale.ROOT);
  }
}
