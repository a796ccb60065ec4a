package dev.detour.probe.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * One HTTP(S) request and what came of it: the stage reached and, with a response, its status,
 * Location, title, body length and selected headers; the timings of each step; and the block page
 * it matched, if any.
 *
 * @param serverName the name sent as Host (and SNI), or null
 * @param error why it failed; for a response, why its body is not whole ({@link #cut})
 * @param blockPage the name of the known block page the answer matched, or null
 * @param connectMillis time to the TCP handshake, -1 when it did not complete
 * @param tlsMillis time of the TLS handshake, -1 without TLS or when it failed
 * @param firstByteMillis from sending the request to the first byte of the answer, -1 if none
 * @param received bytes of the answer that came on the wire (head and body, TLS records and all:
 *     what a censor counts), or null when none did
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HttpEvidence(
    String url,
    String address,
    String serverName,
    HttpStage stage,
    String error,
    Integer status,
    String location,
    String title,
    Integer bodyLength,
    Map<String, String> headers,
    String blockPage,
    long connectMillis,
    long tlsMillis,
    long firstByteMillis,
    Long received,
    long answerMillis) {

  /** What the error of a response says when the deadline cut its body short: a slow page. */
  public static final String CUT_AT_DEADLINE = "still coming at the deadline";

  /** What the error of a response says when its body was longer than a probe reads. */
  public static final String CUT_AT_LIMIT = "longer than a probe reads";

  /** A response whose body is not whole: its length says nothing of the page's. */
  public boolean cut() {
    return stage == HttpStage.RESPONSE && error != null;
  }

  /** A response the deadline cut short while it still came: a slow page (or a throttled one). */
  public boolean slow() {
    return stage == HttpStage.RESPONSE && CUT_AT_DEADLINE.equals(error);
  }

  /**
   * Bits a second the answer came at from the request to its end, or -1 when that says nothing: no
   * answer, or one too small (under 16 KB on the wire) to tell a speed by.
   */
  public long bitsPerSecond() {
    if (stage != HttpStage.RESPONSE || received == null || received < 16 * 1024) {
      return -1;
    }
    return received * 8 * 1000 / Math.max(answerMillis, 10);
  }
}
