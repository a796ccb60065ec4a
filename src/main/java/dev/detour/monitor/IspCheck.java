package dev.detour.monitor;

import dev.detour.api.ProblemException;
import dev.detour.control.Controls;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.Probes;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.targets.TargetConfig;
import dev.detour.verdict.AddressVerdicts;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Thresholds;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * "Ask my ISP": one target probed now, here and through the control vantage, every probe kind at
 * once; each kind's result is told as soon as both sides have it (ICMP in a second, the handshakes
 * later), then the verdict the monitor would reach and the evidence as the watch page draws it. The
 * checks of the last ten minutes are kept in memory (at most {@value #KEPT}).
 */
@ApplicationScoped
public class IspCheck {

  static final int KEPT = 32;
  static final Duration KEEP = Duration.ofMinutes(10);

  /** One probe kind's result from both sides (control null without a control vantage). */
  public record Step(ProbeKind kind, ProbeResult here, ProbeResult control) {}

  /** A check under way or done. */
  public static final class Check {
    private final String id;
    private final String target;
    private final String address;
    private final Instant at;
    private final List<Step> steps = new CopyOnWriteArrayList<>();
    private volatile RoundEvidence result;

    Check(String id, String target, String address) {
      this.id = id;
      this.target = target;
      this.address = address;
      this.at = Instant.now();
    }

    public String id() {
      return id;
    }

    public String target() {
      return target;
    }

    public String address() {
      return address;
    }

    public Instant at() {
      return at;
    }

    /** The kinds done so far, in the order they ended. */
    public List<Step> steps() {
      return List.copyOf(steps);
    }

    /** The whole round once every kind ended; null until then. */
    public RoundEvidence result() {
      return result;
    }

    public boolean done() {
      return result != null;
    }
  }

  private final ProbeService service;
  private final Probes probes;
  private final Controls controls;
  private final Thresholds thresholds;
  private final List<Integer> ports;
  private final Map<String, Check> checks = new LinkedHashMap<>();

  public IspCheck(
      ProbeService service,
      Probes probes,
      Controls controls,
      VerdictConfig verdict,
      TargetConfig targets) {
    this.service = service;
    this.probes = probes;
    this.controls = controls;
    this.thresholds = Thresholds.of(verdict);
    this.ports = List.copyOf(targets.ports());
  }

  /** Starts a check of {@code target}; refused with what to fix when it is not one. */
  public Check start(String target) {
    if (target == null || target.isBlank()) {
      throw ProblemException.invalidField(
          "Invalid check", "target", "type a host name, an address or a URL");
    }
    ProbeService.Resolved r = service.resolve(target.strip());
    String id = ProbeService.newId();
    Check check = new Check(id, r.target(), r.address().getHostAddress());
    synchronized (checks) {
      checks.values().removeIf(c -> c.at.isBefore(Instant.now().minus(KEEP)));
      while (checks.size() >= KEPT) {
        checks.remove(checks.keySet().iterator().next());
      }
      checks.put(id, check);
    }
    boolean withControl = controls.health().ok();
    long started = System.nanoTime();
    List<CompletableFuture<Step>> all = new ArrayList<>();
    for (ProbeKind kind : probes.ordered(probes.kinds())) {
      CompletableFuture<ProbeService.Run> here =
          service.start(r.target(), r.address(), r.name(), ports, Set.of(kind), null, id);
      CompletableFuture<ProbeService.Run> there =
          withControl
              ? ProbeThreads.supply(
                      () ->
                          controls
                              .vantage()
                              .probe(r.target(), r.address(), r.name(), ports, Set.of(kind)))
                  .exceptionally(e -> null)
              : CompletableFuture.completedFuture(null);
      all.add(
          here.thenCombine(
                  there,
                  (h, t) -> {
                    Step step = new Step(kind, first(h), t == null ? null : first(t));
                    check.steps.add(step);
                    return step;
                  })
              .exceptionally(e -> null));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
        .whenComplete((done, e) -> check.result = result(check, all, withControl, r, started));
    return check;
  }

  private static ProbeResult first(ProbeService.Run run) {
    return run == null || run.results().isEmpty() ? null : run.results().get(0);
  }

  private RoundEvidence result(
      Check check,
      List<CompletableFuture<Step>> all,
      boolean withControl,
      ProbeService.Resolved r,
      long started) {
    List<ProbeResult> here = new ArrayList<>();
    List<ProbeResult> there = new ArrayList<>();
    for (CompletableFuture<Step> f : all) {
      Step s = f.getNow(null);
      if (s != null && s.here() != null) {
        here.add(s.here());
      }
      if (s != null && s.control() != null) {
        there.add(s.control());
      }
    }
    List<ProbeKind> order = probes.ordered(probes.kinds());
    Comparator<ProbeResult> byKind = Comparator.comparingInt(p -> order.indexOf(p.probe()));
    here.sort(byKind);
    there.sort(byKind);
    Verdict v =
        AddressVerdicts.judge(
            new Observation(here),
            withControl ? new Observation(there) : null,
            HostTemplate.NONE,
            thresholds);
    Instant at = Instant.now();
    ProbeService.Run local =
        new ProbeService.Run(check.id, r.target(), check.address, r.name(), null, at, here);
    ProbeService.Run control =
        withControl
            ? new ProbeService.Run(null, r.target(), check.address, r.name(), null, at, there)
            : null;
    return new RoundEvidence(
        check.at,
        (System.nanoTime() - started) / 1_000_000,
        withControl ? controls.vantage().mode() : "none (" + controls.lastHealth().detail() + ")",
        null,
        null,
        List.of(new AddressEvidence(check.address, null, local, control, v)),
        v);
  }

  /** A check of the last ten minutes, or null. */
  public Check get(String id) {
    synchronized (checks) {
      return checks.get(id);
    }
  }
}
