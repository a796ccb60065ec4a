package dev.detour.verdict;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a block is done, in the order a verdict prefers them when one round shows several: the most
 * specific signature first. Labels are the {@code method} label of the metrics.
 */
public enum BlockMethod {
  /** The resolver lies: a bogon, a block-page address or NXDOMAIN where the control resolves. */
  DNS_TAMPERED(false),
  /** The HTTP answer is, or redirects to, a known block page. */
  HTTP_BLOCKPAGE(true),
  /** A bare SYN is accepted, a browser-like one is reset or dropped. */
  DPI_SYN_SIGNATURE(true),
  /** A reset answers the SYN that the host did not send (TTL, ACK, count, timing). */
  TCP_RST_INJECTED(true),
  /** The TLS handshake naming the target fails, without the name (or with another) it passes. */
  TLS_SNI_BLOCKED(true),
  /** The handshake completes but the request is reset or stalls once Host is seen. */
  HTTP_TAMPERED(true),
  /** SYNs vanish where the control vantage is answered. */
  TCP_BLACKHOLE(true),
  /** Only ICMP echo is filtered: reported, never routed. */
  ICMP_ONLY_FILTERED(false);

  private final boolean routable;

  BlockMethod(boolean routable) {
    this.routable = routable;
  }

  /**
   * Whether routing the target's addresses through the tunnel gets around this block. A lying
   * resolver is fixed by asking another, and filtered pings need no fixing.
   */
  public boolean routable() {
    return routable;
  }

  /** In words, for messages to people: "injected TCP reset". */
  public String describe() {
    return switch (this) {
      case DNS_TAMPERED -> "DNS tampering";
      case HTTP_BLOCKPAGE -> "block page";
      case DPI_SYN_SIGNATURE -> "DPI on the SYN's shape";
      case TCP_RST_INJECTED -> "injected TCP reset";
      case TLS_SNI_BLOCKED -> "TLS SNI filtering";
      case HTTP_TAMPERED -> "HTTP tampering";
      case TCP_BLACKHOLE -> "black hole";
      case ICMP_ONLY_FILTERED -> "ping filtered";
    };
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
