package dev.detour.probe.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A TLS handshake with one choice of SNI: the target's own name, none, or a decoy. A censor that
 * reads SNI resets or drops the first and lets the others through.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TlsEvidence(
    Sni sni,
    String serverName,
    HttpStage stage,
    String error,
    String protocol,
    String certificateSubject,
    long handshakeMillis) {

  /** Which name the ClientHello carried. */
  public enum Sni {
    TARGET,
    NONE,
    DECOY;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
