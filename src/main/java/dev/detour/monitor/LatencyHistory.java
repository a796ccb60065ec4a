package dev.detour.monitor;

import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.tcp.ConnectEvidence;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.TcpSynEvidence;
import dev.detour.state.AddressEvidence;
import dev.detour.state.LatencySample;
import dev.detour.verdict.WatchState;
import java.time.Instant;
import java.util.List;

/**
 * The last rounds of one watch for the latency chart: when, how fast the first answer came here and
 * through the control vantage, and the state after the round. Kept in memory only and lost on
 * restart (the state's history proper lives in the incidents): one int a round — the seconds since
 * the round before (15 bits), the delay here as a small float of microseconds (15 bits, 1/2048
 * relative precision, up to 67 s), the state (2 bits) — and, once a control vantage has answered, a
 * short a round for its delay: 376 bytes a watch at {@link #SIZE} rounds without a control vantage.
 * A long a round was 736 bytes (74 MB at 100,000 watches); separate arrays of millisecond times and
 * float delays 1.6 KB. A gap of over nine hours between rounds starts the history afresh.
 */
public final class LatencyHistory {

  static final int SIZE = 90;

  /** A delay not measured (nothing answered). */
  private static final int NONE = 0x7fff;

  /** The longest gap between two rounds one entry can say. */
  private static final long MAX_GAP = 0x7fff;

  private final int[] rounds = new int[SIZE];

  /** The control vantage's delays, made when it first answers. */
  private short[] control;

  private long latestSecond;
  private int next;
  private int count;

  synchronized void record(Instant when, Double localMillis, Double controlMillis, WatchState s) {
    long second = when.getEpochSecond();
    long gap = count == 0 ? 0 : Math.max(0, second - latestSecond);
    if (gap > MAX_GAP) {
      count = 0;
      gap = 0;
    }
    int controlCode = delay(controlMillis);
    if (control == null && controlCode != NONE) {
      control = new short[SIZE];
      java.util.Arrays.fill(control, (short) NONE);
    }
    if (control != null) {
      control[next] = (short) controlCode;
    }
    rounds[next] = (int) gap << 17 | delay(localMillis) << 2 | s.ordinal();
    latestSecond = count == 0 ? second : Math.max(latestSecond, second);
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
    Double ms = millis((next - 1 + SIZE) % SIZE, here);
    return ms == null ? Double.NaN : ms / 1000.0;
  }

  synchronized List<LatencySample> samples() {
    LatencySample[] all = new LatencySample[count];
    long second = latestSecond;
    for (int i = count - 1; i >= 0; i--) {
      int at = (next - count + i + SIZE) % SIZE;
      int r = rounds[at];
      all[i] =
          new LatencySample(
              Instant.ofEpochSecond(second),
              millis(at, true),
              millis(at, false),
              WatchState.values()[r & 0x3]);
      second -= r >>> 17;
    }
    return List.of(all);
  }

  private Double millis(int at, boolean here) {
    int code;
    if (here) {
      code = rounds[at] >>> 2 & NONE;
    } else {
      code = control == null ? NONE : control[at] & NONE;
    }
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
