package dev.detour.monitor;

import dev.detour.control.ControlVantage;
import dev.detour.history.HistoryStore;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.probe.transfer.TransferEvidence;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.targets.Addresses;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.HostVerdicts;
import dev.detour.verdict.NameSight;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Part;
import dev.detour.verdict.PrefixVerdicts;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.VerdictRules;
import dev.detour.verdict.WatchState;
import dev.detour.watch.Families;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * One watch's round, from its name to its new state: the name resolved here and through the control
 * vantage (and judged, when the watch has a name probe), its addresses probed from both vantages (a
 * prefix's sampled), their verdicts combined, the evidence packed and the watch's state stepped —
 * unless this host's uplink went while it was being probed, in which case it blames nobody.
 */
@ApplicationScoped
public class WatchRound {

  private static final Logger LOG = Logger.getLogger(WatchRound.class);

  /** A round of a watch that names no probe to run on its addresses probes TCP. */
  private static final ProbeKind DEFAULT_KIND = ProbeKind.of("tcp_syn");

  private final AddressProber prober;
  private final PrefixRound prefixes;
  private final DnsProbe dns;
  private final Probes probes;
  private final Vantages vantages;
  private final WatchStateStore states;
  private final StatusStore store;
  private final Captures captures;
  private final CensorFinder censors;
  private final HistoryStore history;
  private final MonitorConfig monitor;
  private final VerdictConfig verdict;

  /** Applies verdicts as raw probes' answers come, off the probes' timer. */
  private final ThreadPoolExecutor verdicts;

  public WatchRound(
      AddressProber prober,
      PrefixRound prefixes,
      DnsProbe dns,
      Probes probes,
      Vantages vantages,
      WatchStateStore states,
      StatusStore store,
      Captures captures,
      CensorFinder censors,
      HistoryStore history,
      MonitorConfig monitor,
      VerdictConfig verdict) {
    this.prober = prober;
    this.prefixes = prefixes;
    this.dns = dns;
    this.probes = probes;
    this.vantages = vantages;
    this.states = states;
    this.store = store;
    this.captures = captures;
    this.censors = censors;
    this.history = history;
    this.monitor = monitor;
    this.verdict = verdict;
    AtomicInteger count = new AtomicInteger();
    int cores = Math.max(2, Runtime.getRuntime().availableProcessors());
    this.verdicts =
        new ThreadPoolExecutor(
            cores,
            cores,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "detour-verdict-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            // Stopping: a verdict that comes too late is dropped, not an error.
            new ThreadPoolExecutor.DiscardPolicy());
    this.verdicts.allowCoreThreadTimeOut(true);
  }

  void onStop(@Observes ShutdownEvent event) {
    verdicts.shutdownNow();
  }

  /**
   * How a watch's round began: when, in which offline spell of this vantage, and with which control
   * vantage.
   */
  private record Look(Instant at, long spell, long startedNanos, ControlVantage.Health health) {
    boolean withControl() {
      return health.ok();
    }
  }

  /**
   * Probes the watch and applies the verdict. Raw probes answer on timers, so the future completes
   * later and the verdict is applied on {@link #verdicts}; a prefix's samples are probed by the
   * calling thread.
   *
   * @param recheck this is a recheck of a watch whose latest round disagreed with its state
   */
  CompletableFuture<Void> run(
      WatchSnapshot w, WatchRuntime rt, ControlVantage.Health health, boolean recheck) {
    Instant at = Instant.now();
    Look look = new Look(at, vantages.spell(), System.nanoTime(), health);
    Set<ProbeKind> kinds = kinds(w, rt, recheck);
    if (w.kind() != TargetKind.HOST && !w.families().allows(w.target())) {
      // An address or prefix of a family the group does not probe: said, never guessed at.
      conclude(
          w,
          rt,
          look,
          null,
          null,
          List.of(),
          Verdict.unknown(
              (Addresses.isV6(w.target()) ? "IPv6" : "IPv4")
                  + " is not probed in group "
                  + w.group()
                  + " (families: "
                  + w.families().label()
                  + ")"),
          Set.of());
      return CompletableFuture.completedFuture(null);
    }
    if (w.kind() == TargetKind.PREFIX) {
      List<AddressEvidence> evidence = prefixes.run(w, rt, kinds, look.withControl(), at);
      List<Part> parts = rt.parts;
      conclude(
          w,
          rt,
          look,
          null,
          null,
          evidence,
          PrefixVerdicts.of(parts),
          PrefixVerdicts.methods(parts));
      return CompletableFuture.completedFuture(null);
    }
    String name = w.kind() == TargetKind.HOST ? w.target() : null;
    DnsAnswers here = null;
    DnsAnswers there = null;
    List<String> addresses;
    if (name != null) {
      here = dns.ask(name, DnsProbe.systemResolvers(), null, false);
      if (look.withControl()) {
        try {
          there = vantages.control().resolve(name);
        } catch (IOException e) {
          LOG.debugf("Control cannot resolve %s: %s", name, e.getMessage());
        }
      }
      addresses = addresses(here, there, w.families());
    } else {
      addresses = List.of(w.target());
    }
    // Captures are kept for a round that may end in an incident: after a bad round, or a watch
    // not up. A watch's first round keeps none (writing two pcap files for each of 100,000 new
    // watches was a tenth of their cost) unless a single bad round blocks.
    boolean suspicious =
        rt.verdict == null && rt.tracker().state() == WatchState.UNKNOWN
            ? verdict.blockAfter() <= 1
            : rt.tracker().state() != WatchState.UP
                || (rt.verdict != null && rt.verdict.state() != WatchState.UP);
    List<CompletableFuture<AddressEvidence>> parts = new ArrayList<>();
    for (String address : addresses) {
      parts.add(prober.probe(w, rt, address, null, name, kinds, look.withControl(), suspicious));
    }
    DnsAnswers localDns = here;
    DnsAnswers controlDns = there;
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new))
        .thenRunAsync(
            () -> {
              List<AddressEvidence> evidence = parts.stream().map(CompletableFuture::join).toList();
              List<Verdict> found = evidence.stream().map(AddressEvidence::verdict).toList();
              rt.wanted = name == null ? Set.of() : wanted(w, evidence);
              WatchRuntime.Goodput goodput = goodput(evidence);
              if (goodput != null) {
                rt.goodput = goodput;
              }
              Verdict nameVerdict =
                  name == null ? null : nameVerdict(w, localDns, controlDns, evidence);
              Verdict v =
                  addresses.isEmpty()
                      ? HostVerdicts.noAddress(
                          nameVerdict, !localDns.anyAnswered(), controlDns != null, name)
                      : HostVerdicts.combine(nameVerdict, found);
              String families = HostVerdicts.families(addresses, found);
              if (families != null) {
                v = v.because(families);
              }
              // A host's addresses each have their part; an address watch's one is itself.
              rt.parts =
                  name == null
                      ? List.of()
                      : evidence.stream()
                          .map(
                              e ->
                                  new Part(
                                      e.address(),
                                      e.verdict().state(),
                                      e.verdict().method(),
                                      at,
                                      e.address()))
                          .toList();
              conclude(
                  w,
                  rt,
                  look,
                  localDns,
                  controlDns,
                  evidence,
                  v,
                  HostVerdicts.methods(nameVerdict, found));
            },
            verdicts);
  }

  /**
   * The probes this round runs on each address: the watch's, those of a name only for a host, and a
   * costly one (a transfer) in its rounds only — every few, on every recheck, and every round while
   * the watch's state or the change under way is one its rule tells.
   */
  private Set<ProbeKind> kinds(WatchSnapshot w, WatchRuntime rt, boolean recheck) {
    long round = w.kind() == TargetKind.PREFIX ? rt.round : rt.round++;
    Set<ProbeKind> kinds = new TreeSet<>();
    for (ProbeKind k : probes.perAddress(w.probes())) {
      Probe<?> probe = probes.get(k).orElseThrow();
      if (probe.needsName() && w.kind() != TargetKind.HOST) {
        continue;
      }
      if (probe.everyRounds() > 1
          && round % probe.everyRounds() != 0
          && !recheck
          && !rt.wanted.contains(k)
          && !suspect(rt, k)) {
        continue;
      }
      kinds.add(k);
    }
    if (kinds.isEmpty()) {
      kinds.add(DEFAULT_KIND);
    }
    return kinds;
  }

  /**
   * The probes of the watch whose rules suspect, from what an address showed this round, what they
   * would tell: they run next round whatever their cadence.
   */
  private static Set<ProbeKind> wanted(WatchSnapshot w, List<AddressEvidence> evidence) {
    Set<ProbeKind> wanted = null;
    for (VerdictRule rule : VerdictRules.all()) {
      if (!w.probes().contains(rule.kind())) {
        continue;
      }
      for (AddressEvidence e : evidence) {
        if (e.local() != null
            && rule.suspects(
                new Observation(e.local().results()),
                e.control() == null ? null : new Observation(e.control().results()))) {
          wanted = wanted == null ? new TreeSet<>() : wanted;
          wanted.add(rule.kind());
          break;
        }
      }
    }
    return wanted == null ? Set.of() : Set.copyOf(wanted);
  }

  /**
   * The goodput of this round's transfer (of the first address that had one), or null when none
   * ran.
   */
  private static WatchRuntime.Goodput goodput(List<AddressEvidence> evidence) {
    for (AddressEvidence e : evidence) {
      Optional<TransferEvidence> here = transfer(e.local());
      if (here.isPresent()) {
        return new WatchRuntime.Goodput(
            bytesPerSecond(here), bytesPerSecond(transfer(e.control())));
      }
    }
    return null;
  }

  private static Optional<TransferEvidence> transfer(ProbeService.Run run) {
    return run == null
        ? Optional.empty()
        : new Observation(run.results()).evidence(TransferEvidence.class);
  }

  private static double bytesPerSecond(Optional<TransferEvidence> t) {
    return t.filter(TransferEvidence::flowed)
        .map(x -> x.goodputBitsPerSecond() / 8.0)
        .orElse(Double.NaN);
  }

  /** Whether the watch is blocked, or on its way to be, by a method the probe's rule tells. */
  private static boolean suspect(WatchRuntime rt, ProbeKind kind) {
    Tracker t = rt.tracker();
    BlockMethod pending = t.pending() == null ? null : t.pending().method();
    for (VerdictRule rule : VerdictRules.all()) {
      if (rule.kind().equals(kind)
          && ((t.method() != null && rule.methods().contains(t.method()))
              || (pending != null && rule.methods().contains(pending)))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The name's own verdict, by the rules of the name probes the watch runs (DNS), from its answers
   * and what its addresses did; or null.
   */
  private static Verdict nameVerdict(
      WatchSnapshot w, DnsAnswers here, DnsAnswers there, List<AddressEvidence> evidence) {
    NameSight sight =
        new NameSight(
            here,
            there,
            evidence.stream()
                .map(
                    e ->
                        new NameSight.Address(
                            e.address(),
                            e.local() == null ? null : new Observation(e.local().results()),
                            e.control() == null ? null : new Observation(e.control().results())))
                .toList());
    Verdict found = null;
    for (VerdictRule rule : VerdictRules.all()) {
      if (w.probes().contains(rule.kind())) {
        Verdict v = rule.name(sight);
        if (v != null && (found == null || v.method().rank() < found.method().rank())) {
          found = v;
        }
      }
    }
    return found;
  }

  /**
   * The addresses to probe for a name, of the families the group probes: the control's genuine
   * answers first (they are what the site really is), then this host's genuine ones — one of those
   * that only this host's resolver gives always among them, since what it serves tells whether the
   * resolver lies. With both families, each that the name has is among them (a block on one family
   * only is common), IPv4 first.
   */
  static List<String> addresses(DnsAnswers here, DnsAnswers there, Families families, int max) {
    List<String> real = there == null ? List.of() : ordered(there.genuine(), families);
    List<String> mine = here == null ? List.of() : ordered(here.genuine(), families);
    String onlyMine = mine.stream().filter(a -> !real.contains(a)).findFirst().orElse(null);
    Set<String> all = new LinkedHashSet<>();
    real.stream().limit(onlyMine == null || max == 1 ? max : max - 1).forEach(all::add);
    if (onlyMine != null) {
      all.add(onlyMine);
    }
    mine.forEach(all::add);
    List<String> chosen = new ArrayList<>(all.stream().limit(max).toList());
    Set<String> candidates = new LinkedHashSet<>(real);
    candidates.addAll(mine);
    // The first of a family left out takes the place of the last of the other (not the one only
    // this host's resolver gives).
    for (boolean v6 : new boolean[] {false, true}) {
      if (chosen.size() > 1 && chosen.stream().noneMatch(a -> Addresses.isV6(a) == v6)) {
        String in =
            candidates.stream().filter(a -> Addresses.isV6(a) == v6).findFirst().orElse(null);
        int out = chosen.size() - 1;
        if (chosen.get(out).equals(onlyMine)) {
          out--;
        }
        if (in != null) {
          chosen.set(out, in);
        }
      }
    }
    return List.copyOf(chosen);
  }

  private List<String> addresses(DnsAnswers here, DnsAnswers there, Families families) {
    return addresses(here, there, families, monitor.maxAddresses());
  }

  private static List<String> ordered(Set<String> addresses, Families families) {
    return addresses.stream()
        .filter(families::allows)
        .sorted(Comparator.comparing(Addresses::isV6))
        .toList();
  }

  /** The round's verdict becomes the watch's state, unless the uplink went meanwhile. */
  private void conclude(
      WatchSnapshot w,
      WatchRuntime rt,
      Look look,
      DnsAnswers localDns,
      DnsAnswers controlDns,
      List<AddressEvidence> evidence,
      Verdict found,
      Set<BlockMethod> methods) {
    Verdict v = found;
    String mode = vantages.control().mode();
    if (!look.withControl() && !mode.equals("none")) {
      v = v.because("control vantage offline (" + look.health().detail() + ")");
    }
    if (v.state() != WatchState.UP) {
      vantages.recheckUplink(look.at());
    }
    if (!vantages.stillOnlineSince(look.spell())) {
      // The uplink went down while this watch was being probed: its evidence blames nobody.
      evidence.forEach(captures::delete);
      return;
    }
    if (!PackedEvidence.keeps(rt, v, evidence, look.at())) {
      rt.evidence =
          store.pack(
              new RoundEvidence(
                  look.at(),
                  (System.nanoTime() - look.startedNanos()) / 1_000_000,
                  mode
                      + (look.withControl()
                          ? ""
                          : " (unavailable: " + look.health().detail() + ")"),
                  localDns,
                  controlDns,
                  evidence,
                  v));
    }
    rt.controlled = look.withControl();
    WatchStateStore.Applied applied =
        states.apply(w, rt, v, methods, look.at(), evidence, w.kind() == TargetKind.PREFIX);
    if (applied.incident() != null
        && applied.transition().to().state() == WatchState.BLOCKED
        && applied.transition().to().method().traceable()) {
      censors.locate(w, rt, applied.incident(), evidence);
    }
    Double here = FirstAnswer.of(evidence, true);
    history.queue(
        rt.history.record(
            rt.id,
            look.at().getEpochSecond(),
            v.state(),
            // Answered, yet blocked: what answered was the censor (a reset, a block page, a lie).
            v.state() == WatchState.BLOCKED && here != null,
            here,
            look.withControl() ? FirstAnswer.of(evidence, false) : null));
  }
}
