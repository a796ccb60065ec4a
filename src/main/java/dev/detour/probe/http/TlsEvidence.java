package dev.detour.probe.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * A TLS handshake with one choice of SNI: the target's own name, none, or a decoy. A censor that
 * reads SNI resets or drops the first and lets the others through. The certificate's SHA-256 tells
 * whether two addresses serve the same site (a resolver's lie gives another's); whether its names
 * cover the one asked for tells a CDN's other edge (its own certificate, for the name) from a
 * parking page or a block page (a certificate for something else).
 *
 * @param certificateCoversName the certificate names the SNI sent (its own or a wildcard), or null
 *     without a certificate or without a name
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TlsEvidence(
    Sni sni,
    String serverName,
    HttpStage stage,
    String error,
    String protocol,
    String certificateSubject,
    long handshakeMillis,
    String certificateSha256,
    Boolean certificateCoversName) {

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
