package dev.detour.probe.transfer;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.probe.Evidence;
import dev.detour.probe.http.HttpStage;
import java.util.List;
import java.util.Locale;

/**
 * How a page flowed: the bytes that came over time (cumulative, one point a {@code stepMillis} from
 * the request), the first byte's delay, how it ended — complete, the byte limit or the time limit
 * reached, or frozen after some bytes — and its goodput from the first byte to the last.
 *
 * @param stage how far it got: a connect or TLS failure, a request unanswered, or {@code response}
 * @param bytes every byte of the answer that came, head and body
 * @param firstByteMillis from the request to the first byte, -1 without one
 * @param millis from the request to the end
 * @param stoppedAfter bytes received when data stopped coming (a freeze or a reset), -1 otherwise
 * @param goodputBitsPerSecond bits a second from the first byte to the last, -1 when not measured
 * @param curve bytes received on the wire by the end of each step, the last (maybe partial) step
 *     ending with the transfer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransferEvidence(
    String url,
    String address,
    String serverName,
    HttpStage stage,
    String error,
    Integer status,
    End end,
    long bytes,
    long firstByteMillis,
    long millis,
    long stoppedAfter,
    long goodputBitsPerSecond,
    int stepMillis,
    List<Long> curve)
    implements Evidence {

  /** How a transfer ended. */
  public enum End {
    /** The server closed after the whole answer. */
    COMPLETE,
    /** {@code detour.probe.transfer.bytes} came: enough to measure. */
    LIMIT,
    /** Data was still coming at {@code detour.probe.transfer.max-time}: a crawl. */
    TIME,
    /** Bytes came, then nothing for the read timeout: frozen. */
    STALLED,
    /** Reset after some bytes. */
    RESET,
    /** It never got to the answer (see the stage). */
    FAILED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The most bits a second that came within any {@code windowMillis} of the curve after its first
   * step, or -1 when the curve is not that long: a policer's crawl never goes faster than its rate,
   * while a lossy link's bursts between its stalls do.
   */
  public long peakBitsPerSecond(int windowMillis) {
    int steps = Math.max(1, windowMillis / stepMillis);
    if (curve.size() <= steps) {
      return -1;
    }
    long most = 0;
    for (int i = steps; i < curve.size(); i++) {
      most = Math.max(most, curve.get(i) - curve.get(i - steps));
    }
    return most * 8 * 1000 / ((long) steps * stepMillis);
  }

  /** Whether data kept coming to the end: a goodput that measures the path. */
  public boolean flowed() {
    return end == End.COMPLETE || end == End.LIMIT || end == End.TIME;
  }
}
