package dev.detour.monitor;

import dev.detour.control.Controls;
import dev.detour.probe.Hops;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.state.AddressEvidence;
import dev.detour.verdict.AddressVerdicts;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.HostVerdicts;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Rechecks;
import dev.detour.verdict.Thresholds;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jboss.logging.Logger;

/**
 * Probes one address here and through the control vantage at once, and judges it: raw probes wait
 * on timers, not on a thread, so a round's thousands of addresses cost no thread each. A block that
 * rests on timeouts alone gets a second look at what timed out before the round that would declare
 * it; what the host's genuine packets look like is learned from clean rounds.
 */
@ApplicationScoped
public class AddressProber {

  private static final Logger LOG = Logger.getLogger(AddressProber.class);

  private final ProbeService probes;
  private final Controls controls;
  private final VerdictConfig verdict;
  private final Thresholds thresholds;

  public AddressProber(ProbeService probes, Controls controls, VerdictConfig verdict) {
    this.probes = probes;
    this.controls = controls;
    this.verdict = verdict;
    this.thresholds = Thresholds.of(verdict);
  }

  /** What this host and the control vantage saw of one address. */
  private record Looked(ProbeService.Run local, ProbeService.Run remote) {}

  /**
   * @param part the block of a prefix watch the address stands for, or null
   * @param name the host name for Host, SNI and DNS, or null
   * @param keepCaptures whether raw probes here keep their pcap files
   */
  CompletableFuture<AddressEvidence> probe(
      WatchSnapshot w,
      WatchRuntime rt,
      String address,
      String part,
      String name,
      Set<ProbeKind> kinds,
      boolean withControl,
      boolean keepCaptures) {
    InetAddress ip;
    try {
      ip = InetAddress.getByName(address);
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          new AddressEvidence(
              address, part, null, null, Verdict.unknown("unreadable address " + address)));
    }
    CompletableFuture<ProbeService.Run> here =
        probes.start(w.target(), ip, name, w.ports(), kinds, null, keepCaptures);
    CompletableFuture<ProbeService.Run> there =
        !withControl
            ? CompletableFuture.completedFuture(null)
            : ProbeThreads.supply(
                () -> {
                  try {
                    return controls.vantage().probe(w.target(), ip, name, w.ports(), kinds);
                  } catch (IOException | RuntimeException e) {
                    LOG.debugf("Control probe of %s failed: %s", address, e.getMessage());
                    return null;
                  }
                });
    return here.thenCombine(there, Looked::new)
        .thenCompose(looked -> judge(w, rt, ip, address, part, name, kinds, withControl, looked))
        .exceptionally(
            e -> {
              Throwable cause = e instanceof CompletionException c ? c.getCause() : e;
              return new AddressEvidence(
                  address,
                  part,
                  null,
                  null,
                  Verdict.unknown("cannot probe: " + cause.getMessage()));
            });
  }

  private CompletableFuture<AddressEvidence> judge(
      WatchSnapshot w,
      WatchRuntime rt,
      InetAddress ip,
      String address,
      String part,
      String name,
      Set<ProbeKind> kinds,
      boolean withControl,
      Looked looked) {
    ProbeService.Run remote = looked.remote();
    HostTemplate template = rt.template(address);
    Observation abroad = remote == null ? null : new Observation(remote.results());
    Verdict first =
        AddressVerdicts.judge(
            new Observation(looked.local().results()), abroad, template, thresholds);
    if (withControl && remote == null && first.state() != WatchState.UP) {
      return CompletableFuture.completedFuture(
          new AddressEvidence(
              address, part, looked.local(), null, HostVerdicts.controlSilent(first, address)));
    }
    Set<ProbeKind> again = Rechecks.secondLook(first, kinds);
    Tracker tracker = part == null ? rt.tracker() : rt.blocks().get(part);
    if (again.isEmpty()
        || !Rechecks.deciding(tracker, first, verdict.blockAfter(), verdict.clearAfter())) {
      // Earlier rounds need no second look — the rounds after them (rechecks, soon) must agree
      // anyway — and without it a black-holed round takes one wait, not two.
      return CompletableFuture.completedFuture(
          settle(rt, address, part, looked.local(), remote, first));
    }
    return probes
        .start(w.target(), ip, name, w.ports(), again, null, true)
        .handle(
            (second, error) -> {
              if (error != null) {
                LOG.debugf("Second look at %s failed: %s", address, error.getMessage());
                return settle(rt, address, part, looked.local(), remote, first);
              }
              ProbeService.Run merged = looked.local().replacing(second);
              Verdict v =
                  AddressVerdicts.judge(
                      new Observation(merged.results()), abroad, template, thresholds);
              if (!v.sameAs(first)) {
                v = v.because("a first look said " + first.method().label());
              }
              return settle(rt, address, part, merged, remote, v);
            });
  }

  private static AddressEvidence settle(
      WatchRuntime rt,
      String address,
      String part,
      ProbeService.Run local,
      ProbeService.Run remote,
      Verdict verdict) {
    if (verdict.state() == WatchState.UP) {
      learn(rt, address, local);
    }
    return new AddressEvidence(address, part, local, remote, verdict);
  }

  /** Remembers how the host's own packets look: its SYN-ACK's and echo replies' hops. */
  private static void learn(WatchRuntime rt, String address, ProbeService.Run local) {
    Observation o = new Observation(local.results());
    int synAckHops = -1;
    int window = -1;
    List<SynEvidence> syns =
        o.evidence(TcpSynEvidence.class).map(TcpSynEvidence::syns).orElse(List.of());
    for (SynEvidence e : syns) {
      if (e.answer() == SynAnswer.SYN_ACK) {
        synAckHops = Hops.estimate(e.answers().get(0).ttl());
        window = e.answers().get(0).tcp().window();
        break;
      }
    }
    int echoHops = o.evidence(IcmpEvidence.class).map(IcmpEvidence::hops).orElse(-1);
    if (synAckHops >= 0 || echoHops >= 0) {
      rt.learn(address, rt.template(address).learn(synAckHops, echoHops, window));
    }
  }
}
