package dev.detour.monitor;

import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.tcp.ConnectEvidence;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.state.AddressEvidence;
import java.util.List;

/** The first answer of a round's probes: what the latency chart draws. */
final class FirstAnswer {

  private FirstAnswer() {}

  /** The quickest first answer of a round's probes of the addresses, from one side, or null. */
  static Double of(List<AddressEvidence> evidence, boolean local) {
    Double best = null;
    for (AddressEvidence e : evidence) {
      ProbeService.Run run = local ? e.local() : e.control();
      if (run == null || run.results() == null) {
        continue;
      }
      for (ProbeResult r : run.results()) {
        Double ms = firstAnswer(r);
        if (ms != null && (best == null || ms < best)) {
          best = ms;
        }
      }
    }
    return best;
  }

  private static Double firstAnswer(ProbeResult r) {
    if (r.evidence() instanceof IcmpEvidence icmp) {
      return icmp.replies().stream()
          .map(reply -> reply.rttMicros() / 1000.0)
          .min(Double::compare)
          .orElse(null);
    }
    if (r.evidence() instanceof TcpSynEvidence syn) {
      return syn.syns().stream()
          .filter(s -> s.firstAnswerMicros() >= 0)
          .map(SynEvidence::firstAnswerMicros)
          .min(Long::compare)
          .map(us -> us / 1000.0)
          .orElse(null);
    }
    if (r.evidence() instanceof ConnectEvidence connect) {
      return connect.attempts().stream()
          .filter(a -> a.outcome() != ConnectEvidence.Outcome.TIMEOUT)
          .filter(a -> a.outcome() != ConnectEvidence.Outcome.FAILED)
          .map(a -> (double) a.millis())
          .min(Double::compare)
          .orElse(null);
    }
    return null;
  }
}
