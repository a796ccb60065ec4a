package dev.detour.monitor;

import dev.detour.probe.ProbeService;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.probe.trace.CensorLocator;
import dev.detour.probe.trace.CensorTraces;
import dev.detour.state.AddressEvidence;
import dev.detour.targets.Addresses;
import dev.detour.targets.TargetKind;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Locates the censor of a block just declared, off the round: the offending packets sent again with
 * rising TTLs to the first blocked address, the hop that draws the reset recorded on the watch and
 * its incident.
 */
@ApplicationScoped
public class CensorFinder {

  private static final Logger LOG = Logger.getLogger(CensorFinder.class);

  private final ProbeService probes;
  private final StatusStore store;

  public CensorFinder(ProbeService probes, StatusStore store) {
    this.probes = probes;
    this.store = store;
  }

  /** Starts the trace for the incident of a traceable block (IPv4 addresses only, so far). */
  void locate(WatchSnapshot w, WatchRuntime rt, long incident, List<AddressEvidence> evidence) {
    String address =
        evidence.stream()
            .filter(e -> e.verdict().state() == WatchState.BLOCKED)
            .map(AddressEvidence::address)
            .findFirst()
            .orElse(null);
    if (address == null || Addresses.isV6(address)) {
      return;
    }
    InetAddress ip;
    try {
      ip = InetAddress.getByName(address);
    } catch (IOException e) {
      return;
    }
    probes
        .start(
            w.target(),
            ip,
            w.kind() == TargetKind.HOST ? w.target() : null,
            w.ports(),
            Set.of(CensorLocator.KIND),
            null,
            false)
        .thenAccept(run -> found(w, rt, incident, run))
        .exceptionally(
            e -> {
              LOG.debugf("Censor location of %s failed: %s", address, e.getMessage());
              return null;
            });
  }

  private void found(WatchSnapshot w, WatchRuntime rt, long incident, ProbeService.Run run) {
    CensorLocation found =
        run.results().stream()
            .filter(r -> r.evidence() instanceof CensorTraces)
            .flatMap(r -> ((CensorTraces) r.evidence()).traces().stream())
            .filter(l -> l.censorHop() > 0)
            .findFirst()
            .orElse(null);
    if (found != null && rt.tracker().state() == WatchState.BLOCKED) {
      rt.censor = found;
      store.censor(rt.id, incident, found);
      LOG.infof("%s: censor at hop %d (%s)", w.target(), found.censorHop(), found.censorRouter());
    }
  }
}
