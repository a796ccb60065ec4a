package dev.detour.route;

import dev.detour.state.Standing;
import dev.detour.state.WatchStates;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.WatchState;
import dev.detour.watch.GroupService;
import dev.detour.watch.Watch;
import inet.ipaddr.IPAddress;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns the monitor's verdicts into claims: the prefixes each blocked watch wants routed, kept in
 * the database so that a restart neither forgets a route nor withdraws one early.
 *
 * <ul>
 *   <li>an address watch wants its address; a prefix watch its prefix less the /24s seen working
 *       directly; a host the addresses found blocked — each only for a method a route can get
 *       around (not DNS tampering, not ICMP-only filtering);
 *   <li>a claim is released when its watch is no longer blocked (up, down, or the address moved),
 *       and goes once its group's grace has passed — never for a group that keeps its routes;
 *   <li>a watch that is unknown (this vantage offline) keeps its claims as they are;
 *   <li>a watch deleted, disabled, or in a group that stopped routing loses them at once.
 * </ul>
 */
@ApplicationScoped
public class RouteClaims {

  private final WatchStates monitor;
  private final GroupService groups;

  public RouteClaims(WatchStates monitor, GroupService groups) {
    this.monitor = monitor;
    this.groups = groups;
  }

  /** What a refresh changed, for the log. */
  public record Refresh(int added, int released, int removed) {}

  /** Brings the claims up to date with the monitor's states. */
  @Transactional
  public Refresh refresh(Instant now) {
    return refresh(monitor.standings(), now);
  }

  /** Brings the claims up to date with these states, as of {@code now}. */
  @Transactional
  public Refresh refresh(Collection<Standing> latest, Instant now) {
    Map<Long, Standing> standings =
        latest.stream().collect(Collectors.toMap(Standing::watchId, s -> s, (a, b) -> a));
    Map<Long, List<RouteClaim>> existing =
        RouteClaim.<RouteClaim>listAll().stream()
            .collect(Collectors.groupingBy(c -> c.key.watchId()));
    List<Long> ids = new ArrayList<>(standings.keySet());
    existing.keySet().stream().filter(id -> !standings.containsKey(id)).forEach(ids::add);
    Map<Long, Watch> watches = new HashMap<>();
    for (int from = 0; from < ids.size(); from += 1000) {
      List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 1000));
      Watch.<Watch>list("from Watch w join fetch w.group where w.id in ?1", chunk)
          .forEach(w -> watches.put(w.id, w));
    }
    int added = 0;
    int released = 0;
    int removed = 0;
    for (Long id : ids) {
      Watch w = watches.get(id);
      Standing s = standings.get(id);
      List<RouteClaim> claims = existing.getOrDefault(id, List.of());
      if (w == null || !w.enabled || !w.group.routeBlocked) {
        for (RouteClaim c : claims) {
          c.delete();
          removed++;
        }
        continue;
      }
      if (s != null && s.state() == WatchState.UNKNOWN) {
        continue;
      }
      Map<String, String> wanted = s == null ? Map.of() : wanted(w, s);
      Map<String, RouteClaim> byPrefix =
          claims.stream().collect(Collectors.toMap(c -> c.key.prefix(), c -> c));
      for (Map.Entry<String, String> e : wanted.entrySet()) {
        RouteClaim c = byPrefix.get(e.getKey());
        if (c == null) {
          c = new RouteClaim();
          c.key = new RouteClaim.Key(id, e.getKey());
          c.since = now;
          c.verified = s.confirmed();
          c.reason = e.getValue();
          c.seenAt = now;
          c.persist();
          added++;
        } else {
          c.seenAt = now;
          c.releasedAt = null;
          c.reason = e.getValue();
          c.verified |= s.confirmed();
        }
      }
      Duration grace = groups.effectiveRouteWithdraw(w.group);
      for (RouteClaim c : claims) {
        if (wanted.containsKey(c.key.prefix())) {
          continue;
        }
        if (c.releasedAt == null) {
          c.releasedAt = now;
          released++;
        }
        if (grace != null && !c.releasedAt.plus(grace).isAfter(now)) {
          c.delete();
          removed++;
        }
      }
    }
    return new Refresh(added, released, removed);
  }

  /** The prefixes one blocked watch wants routed, each with why. */
  static Map<String, String> wanted(Watch w, Standing s) {
    Map<String, String> all = new LinkedHashMap<>();
    if (s.state() != WatchState.BLOCKED) {
      return all;
    }
    if (w.kind == TargetKind.HOST) {
      for (Part p : s.parts()) {
        if (p.state() == WatchState.BLOCKED && routable(p.method(), w)) {
          all.put(Prefixes.normalise(p.part()), why(w.target + " " + p.part(), p.method()));
        }
      }
      return all;
    }
    if (!routable(s.method(), w)) {
      return all;
    }
    String reason = why(w.target, s.method());
    IPAddress whole = Prefixes.parse(w.target);
    if (w.kind == TargetKind.ADDRESS) {
      all.put(whole.toCanonicalString(), reason);
      return all;
    }
    Set<String> working =
        s.parts().stream()
            .filter(p -> p.state() == WatchState.UP)
            .map(Part::part)
            .collect(Collectors.toSet());
    List<IPAddress> left = List.of(whole);
    for (String up : working) {
      left = Prefixes.subtract(left, Prefixes.parse(up));
    }
    left.forEach(p -> all.put(p.toCanonicalString(), reason));
    return all;
  }

  /** A method a route gets around, or one the watch's group asked to route (QUIC-only blocks). */
  private static boolean routable(BlockMethod method, Watch w) {
    return method != null
        && (method.routable() || (method.routableOnRequest() && w.group.routeQuicBlocks));
  }

  private static String why(String what, BlockMethod method) {
    String text = what + " blocked (" + method.label() + ")";
    return text.length() <= 300 ? text : text.substring(0, 300);
  }
}
