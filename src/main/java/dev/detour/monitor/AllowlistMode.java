package dev.detour.monitor;

import dev.detour.incident.Incident;
import dev.detour.incident.Incidents;
import dev.detour.metrics.Metrics;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.WatchState;
import inet.ipaddr.HostName;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.jboss.logging.Logger;

/**
 * The ISP's allowlist mode: everything abroad cut at once but a list of what it keeps (mobile
 * networks since 2025). Looked at when a round ends: when, within the window, most of the watches
 * that were up turned blocked (across two groups or more) while the canaries — hosts the ISP keeps
 * reachable — still answer here and the control works, it is one incident and one message rather
 * than a flood, and those watches are blocked by {@link BlockMethod#ALLOWLIST}. Their routes go
 * through the router's usual gates (additions held while its tunnel is down, each checked through
 * the tunnel after). When most of them are reachable again, one incident says it lifted.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class AllowlistMode {

  private static final Logger LOG = Logger.getLogger(AllowlistMode.class);

  /** Canaries are asked again at most this often while the other conditions hold. */
  private static final Duration CANARY_EVERY = Duration.ofSeconds(30);

  private static final int CANARY_TIMEOUT_MS = 3000;

  /** An open allowlist mode: its incident and its watches. */
  private record Open(long incident, Set<Long> watches, Instant at) {}

  /** What the detection goes by ({@code detour.verdict.allowlist.*}). */
  record Settings(double minShare, int minWatches, Duration window, List<String> canaries) {}

  private final Settings config;
  private final Incidents incidents;
  private final Predicate<String> canaryAnswers;

  private volatile Open open;
  private volatile boolean restored;
  private Instant canariesAskedAt = Instant.MIN;

  @Inject
  AllowlistMode(VerdictConfig verdict, Incidents incidents, MeterRegistry registry) {
    this(
        new Settings(
            verdict.allowlist().minShare(),
            verdict.allowlist().minWatches(),
            verdict.allowlist().window(),
            verdict.allowlist().canaries()),
        incidents,
        AllowlistMode::answers);
    Gauge.builder(Metrics.ALLOWLIST_MODE, this, m -> m.open == null ? 0 : 1)
        .description("1 while the ISP's allowlist mode is on: everything abroad cut but a list")
        .register(registry);
  }

  AllowlistMode(Settings config, Incidents incidents, Predicate<String> canaryAnswers) {
    this.config = config;
    this.incidents = incidents;
    this.canaryAnswers = canaryAnswers;
  }

  /** Whether allowlist mode is on. */
  public boolean on() {
    return open != null;
  }

  /** Whether the detection is configured at all ({@code canaries=none} turns it off). */
  private boolean enabled() {
    List<String> c = config.canaries();
    return !c.isEmpty() && !(c.size() == 1 && c.get(0).strip().equalsIgnoreCase("none"));
  }

  /**
   * A round's verdict for a watch, as allowlist mode tells it: while it is on, a block of one of
   * its watches, or of a watch turning blocked now, is an allowlist block.
   */
  Verdict relabel(WatchRuntime rt, Verdict verdict) {
    Open o = open;
    if (o == null || verdict.state() != WatchState.BLOCKED) {
      return verdict;
    }
    boolean member = o.watches().contains(rt.id);
    if (!member
        && rt.tracker().state() == WatchState.BLOCKED
        && rt.tracker().since().isBefore(o.at().minus(config.window()))) {
      return verdict; // blocked before allowlist mode's window: its own block
    }
    // A member, a watch turning blocked now, or one whose block was stored while the mode was
    // being raised (after the watches were counted): its next change makes it the mode's.
    return as(verdict, o.at());
  }

  private static Verdict as(Verdict verdict, Instant since) {
    List<String> reasons = new ArrayList<>();
    reasons.add(
        "the ISP is in allowlist mode since "
            + since
            + ": nearly everything abroad is cut at once while the hosts it keeps answer —"
            + " what this round saw:");
    reasons.addAll(verdict.reasons());
    return Verdict.blocked(
        BlockMethod.ALLOWLIST, verdict.confidence(), reasons, verdict.timeoutsOnly());
  }

  /** A watch's change to blocked was stored: it joins an open allowlist mode. */
  boolean joined(WatchRuntime rt, long incident) {
    Open o = open;
    if (o == null || rt.tracker().method() != BlockMethod.ALLOWLIST) {
      return false;
    }
    o.watches().add(rt.id);
    incidents.joinAllowlist(o.incident(), incident);
    return true;
  }

  /**
   * A round ended: raises allowlist mode when its conditions hold, lifts it when most of its
   * watches are no longer blocked.
   */
  synchronized void look(Collection<WatchRuntime> all, boolean controlOnline, Instant now) {
    if (!enabled()) {
      return;
    }
    restore(all);
    if (open != null) {
      liftIfOver(all, now);
      return;
    }
    Instant from = now.minus(config.window());
    Fell fell = fell(all, from);
    if (!fell.enough(config)) {
      return;
    }
    if (!controlOnline) {
      LOG.debugf(
          "%d of %d watches blocked together, but without a working control allowlist mode"
              + " cannot be told apart",
          fell.watches().size(), fell.base());
      return;
    }
    if (now.isBefore(canariesAskedAt.plus(CANARY_EVERY))) {
      return;
    }
    canariesAskedAt = now;
    List<String> answered = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    // Asked at once: a round's end waits for the slowest, not for the sum.
    List<String> canaries = config.canaries().stream().map(String::strip).toList();
    List<Boolean> answers = canaries.parallelStream().map(canaryAnswers::test).toList();
    for (int i = 0; i < canaries.size(); i++) {
      (answers.get(i) ? answered : silent).add(canaries.get(i));
    }
    if (answered.isEmpty() || answered.size() * 2 < config.canaries().size()) {
      LOG.infof(
          "%d of %d watches blocked together, but the canaries %s do not answer: not allowlist"
              + " mode",
          fell.watches().size(), fell.base(), silent);
      return;
    }
    // Counted again: rounds went on while the canaries were asked, and a watch whose block was
    // stored meanwhile belongs to the mode as much as the others.
    raise(fell(all, from), answered, silent, from, now);
  }

  /**
   * The watches blocked since {@code from}, out of those with a state to count (blocked, up or
   * down, on an online vantage), and their groups.
   */
  private record Fell(List<WatchRuntime> watches, int base, Set<String> groups) {

    boolean enough(Settings config) {
      return watches.size() >= config.minWatches()
          && groups.size() >= 2
          && watches.size() >= config.minShare() * base;
    }
  }

  private static Fell fell(Collection<WatchRuntime> all, Instant from) {
    List<WatchRuntime> fell = new ArrayList<>();
    int base = 0;
    for (WatchRuntime rt : all) {
      if (rt.offline()) {
        continue;
      }
      WatchState s = rt.tracker().state();
      if (s == WatchState.BLOCKED && !rt.tracker().since().isBefore(from)) {
        fell.add(rt);
        base++;
      } else if (s == WatchState.UP || s == WatchState.DOWN) {
        base++;
      }
    }
    Set<String> groups = new TreeSet<>();
    fell.forEach(rt -> groups.add(rt.group));
    return new Fell(fell, base, groups);
  }

  private void raise(
      Fell fallen, List<String> answered, List<String> silent, Instant from, Instant now) {
    List<WatchRuntime> fell = fallen.watches();
    int base = fallen.base();
    Set<String> groups = fallen.groups();
    String summary =
        String.format(
            Locale.ROOT,
            "Allowlist mode: %d of %d watches (%.0f %%) in %d groups (%s) turned blocked"
                + " within %s, while %s still answer%s and the control works — the ISP cuts"
                + " everything abroad but what it keeps. Routes go through the tunnel while"
                + " it works.",
            fell.size(),
            base,
            100.0 * fell.size() / base,
            groups.size(),
            String.join(", ", groups),
            span(config.window()),
            String.join(", ", answered),
            answered.size() == 1 ? "s" : "",
            silent.isEmpty() ? "" : " (" + String.join(", ", silent) + " do not)");
    List<Long> ids = fell.stream().map(rt -> rt.id).toList();
    long incident = incidents.allowlist(summary, ids, from);
    Set<Long> watches = ConcurrentHashMap.newKeySet();
    watches.addAll(ids);
    open = new Open(incident, watches, now);
    for (WatchRuntime rt : fell) {
      Verdict v = rt.verdict == null ? null : as(rt.verdict, now);
      rt.tracker(
          new dev.detour.verdict.Tracker(
              WatchState.BLOCKED, BlockMethod.ALLOWLIST, rt.tracker().since(), null, 0, null));
      rt.methods = Set.of(BlockMethod.ALLOWLIST);
      if (v != null) {
        rt.verdict = v;
      }
      rt.dirty = true;
    }
    LOG.warn(summary);
  }

  private void liftIfOver(Collection<WatchRuntime> all, Instant now) {
    Open o = open;
    int still = 0;
    List<String> blocked = new ArrayList<>();
    for (WatchRuntime rt : all) {
      if (o.watches().contains(rt.id) && rt.tracker().state() == WatchState.BLOCKED) {
        still++;
        if (blocked.size() < 10) {
          blocked.add(rt.target);
        }
      }
    }
    int total = o.watches().size();
    if (still * 2 > total) {
      return;
    }
    String summary =
        "Allowlist mode lifted: "
            + (total - still)
            + " of "
            + total
            + " watches reachable again"
            + (still == 0
                ? ""
                : "; " + still + " still blocked (" + String.join(", ", blocked) + ")")
            + ", after "
            + span(Duration.between(o.at(), now));
    incidents.event(Incident.Kind.ALLOWLIST_LIFTED, summary);
    open = null;
    LOG.info(summary);
  }

  /** After a restart in allowlist mode, the open incident and its watches are picked up again. */
  private void restore(Collection<WatchRuntime> all) {
    if (restored) {
      return;
    }
    restored = true;
    incidents
        .openAllowlist()
        .ifPresent(
            i -> {
              Set<Long> watches = ConcurrentHashMap.newKeySet();
              watches.addAll(incidents.memberWatches(i.id));
              open = new Open(i.id, watches, i.at);
              LOG.infof(
                  "Allowlist mode is still on (incident %d, %d watches)", i.id, watches.size());
            });
  }

  /** "10 min", "45 s", "2 h 5 min". */
  static String span(Duration d) {
    long s = Math.max(0, d.toSeconds());
    if (s < 120) {
      return s + " s";
    }
    if (s < 7200) {
      return s / 60 + " min";
    }
    return s / 3600 + " h " + s % 3600 / 60 + " min";
  }

  /** Whether a canary ({@code host}, {@code host:port}, {@code [v6]:port}) accepts a connection. */
  static boolean answers(String canary) {
    HostName host = new HostName(canary);
    if (!host.isValid()) {
      LOG.warnf("detour.verdict.allowlist.canaries: %s is no host name or address", canary);
      return false;
    }
    Integer port = host.getPort();
    try (Socket s = new Socket()) {
      s.connect(
          new InetSocketAddress(host.getHost(), port == null ? 443 : port), CANARY_TIMEOUT_MS);
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
