package dev.detour.monitor;

import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.tcp.ConnectEvidence;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.verdict.WatchState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The last rounds of one watch for the latency chart: when, how fast the first answer came here and
 * through the control vantage, and the state after the round. Kept in memory only, in primitive
 * arrays (17 bytes a round, about 1.5 KB a watch at {@link #SIZE} rounds), and lost on restart; the
 * state's history proper lives in the incidents.
 */
public final class LatencyHistory {

  static final int SIZE = 90;

  /**
   * One round.
   *
   * @param localMillis the first answer's delay here, or null when nothing answered
   * @param controlMillis the same through the control vantage, or null
   */
  public record Sample(Instant at, Double localMillis, Double controlMillis, WatchState state) {}

  private final long[] at = new long[SIZE];
  private final float[] local = new float[SIZE];
  private final float[] control = new float[SIZE];
  private final byte[] state = new byte[SIZE];
  private int next;
  private int count;

  synchronized void record(Instant when, Double localMillis, Double controlMillis, WatchState s) {
    at[next] = when.toEpochMilli();
    local[next] = localMillis == null ? Float.NaN : localMillis.floatValue();
    control[next] = controlMillis == null ? Float.NaN : controlMillis.floatValue();
    state[next] = (byte) s.ordinal();
    next = (next + 1) % SIZE;
    count = Math.min(SIZE, count + 1);
  }

  /**
   * The latest round's first answer from one side, in seconds; NaN when none came (or no round).
   */
  synchronized double latestSeconds(boolean here) {
    if (count == 0) {
      return Double.NaN;
    }
    int k = (next - 1 + SIZE) % SIZE;
    float ms = here ? local[k] : control[k];
    return Float.isNaN(ms) ? Double.NaN : ms / 1000.0;
  }

  synchronized List<Sample> samples() {
    List<Sample> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int k = (next - count + i + SIZE) % SIZE;
      all.add(
          new Sample(
              Instant.ofEpochMilli(at[k]),
              Float.isNaN(local[k]) ? null : (double) local[k],
              Float.isNaN(control[k]) ? null : (double) control[k],
              WatchState.values()[state[k]]));
    }
    return all;
  }

  /** The quickest first answer of a round's probes of the addresses, from one side, or null. */
  static Double firstAnswer(List<AddressEvidence> evidence, boolean local) {
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
