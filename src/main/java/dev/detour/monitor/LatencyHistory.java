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
 * through the control vantage, and the state after the round. Kept in memory only and lost on
 * restart (the state's history proper lives in the incidents): one long a round — the second (32
 * bits), each delay as a small float of microseconds (15 bits, 1/2048 relative precision, up to 67
 * s), the state (2 bits) — 736 bytes a watch at {@link #SIZE} rounds. Separate arrays of
 * millisecond times and float delays were 1.6 KB a watch, 160 MB at 100,000 watches.
 */
public final class LatencyHistory {

  static final int SIZE = 90;

  /** A delay not measured (nothing answered). */
  private static final int NONE = 0x7fff;

  /**
   * One round.
   *
   * @param localMillis the first answer's delay here, or null when nothing answered
   * @param controlMillis the same through the control vantage, or null
   */
  public record Sample(Instant at, Double localMillis, Double controlMillis, WatchState state) {}

  private final long[] rounds = new long[SIZE];
  private int next;
  private int count;

  synchronized void record(Instant when, Double localMillis, Double controlMillis, WatchState s) {
    rounds[next] =
        (when.getEpochSecond() & 0xffffffffL) << 32
            | (long) delay(localMillis) << 17
            | (long) delay(controlMillis) << 2
            | s.ordinal();
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
    Double ms = millis(rounds[(next - 1 + SIZE) % SIZE], here);
    return ms == null ? Double.NaN : ms / 1000.0;
  }

  synchronized List<Sample> samples() {
    List<Sample> all = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long r = rounds[(next - count + i + SIZE) % SIZE];
      all.add(
          new Sample(
              Instant.ofEpochSecond(r >>> 32),
              millis(r, true),
              millis(r, false),
              WatchState.values()[(int) (r & 0x3)]));
    }
    return all;
  }

  private static Double millis(long round, boolean here) {
    int code = (int) (here ? round >>> 17 : round >>> 2) & NONE;
    return code == NONE ? null : micros(code) / 1000.0;
  }

  /** A delay as 15 bits: microseconds below 2,048 exactly, above as 11 bits and an exponent. */
  static int delay(Double millis) {
    if (millis == null || millis.isNaN() || millis < 0) {
      return NONE;
    }
    long us = Math.round(millis * 1000);
    if (us < 2048) {
      return (int) us;
    }
    int e = 1;
    while (us >= 4096) {
      us >>= 1;
      e++;
    }
    return e > 15 ? NONE - 1 : Math.min(NONE - 1, e << 11 | (int) (us - 2048));
  }

  static long micros(int code) {
    int e = code >>> 11;
    int m = code & 0x7ff;
    return e == 0 ? m : (long) (2048 + m) << (e - 1);
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
