package dev.detour.probe.quic;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.probe.Evidence;
import java.util.Locale;

/**
 * A QUIC v1 handshake to UDP 443 with the host's name as SNI, and what came back.
 *
 * @param outcome how far it got
 * @param sent datagrams sent (the Initial and its retransmissions)
 * @param received datagrams that came back, any of them
 * @param firstAnswerMillis from the first Initial to the first datagram back, -1 without one
 * @param handshakeMillis from the first Initial to a completed handshake, -1 without one
 * @param error what the QUIC stack said when the handshake did not complete, or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record QuicEvidence(
    String address,
    int port,
    String serverName,
    Outcome outcome,
    int sent,
    int received,
    long firstAnswerMillis,
    long handshakeMillis,
    String error)
    implements Evidence {

  /** How a QUIC handshake ended. */
  public enum Outcome {
    /** The handshake completed: QUIC works. */
    HANDSHAKE,
    /**
     * The server answered (an Initial, a Retry, a Version Negotiation, a close) without completing
     * the handshake with this client: QUIC is served and reached.
     */
    ANSWERED,
    /** Nothing came back: dropped on the way, or no QUIC served. */
    SILENT,
    /** An ICMP port unreachable came back: refused, by the host or on its behalf. */
    UNREACHABLE;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether anything of the server's came back: QUIC is served and reached. */
  public boolean reached() {
    return outcome == Outcome.HANDSHAKE || outcome == Outcome.ANSWERED;
  }
}
