package dev.detour.probe.tcp;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.detour.probe.Evidence;
import java.util.List;
import java.util.Locale;

/**
 * What {@code connect()} said for each port: all an unprivileged process can see of TCP. A forged
 * RST without ACK shows here only as a timeout; the raw SYN probe sees the RST itself.
 */
public record ConnectEvidence(List<Attempt> attempts) implements Evidence {

  /** One port's outcome and how long it took. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Attempt(int port, Outcome outcome, long millis, String error) {}

  /** How the handshake ended. */
  public enum Outcome {
    CONNECTED,
    REFUSED,
    TIMEOUT,
    FAILED;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
