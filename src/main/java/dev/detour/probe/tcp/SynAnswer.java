package dev.detour.probe.tcp;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** How a SYN was answered, read off the first answer that concerns it. */
public enum SynAnswer {
  /** The host accepted: SYN-ACK. */
  SYN_ACK,
  /** A well-formed reset (RST+ACK acknowledging the SYN): the port is closed, or an injector. */
  RST_ACK,
  /**
   * A reset without ACK, like the seed's forged one: the kernel ignores it, only capture sees it.
   */
  RST,
  /** An ICMP destination-unreachable about this SYN. */
  UNREACHABLE,
  /** Nothing within the wait. */
  TIMEOUT;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
