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
 * <p>The hello's shape is the other thing a censor reads: the JDK's own (a full handshake), or a
 * browser's built byte by byte (Chrome's, with or without a GREASE Encrypted Client Hello), which
 * goes as far as the server's answer — a ServerHello is a hello that passed.
 *
 * @param certificateCoversName the certificate names the SNI sent (its own or a wildcard), or null
 *     without a certificate or without a name
 * @param shape the ClientHello's shape; null (stored before there were shapes) is the JDK's
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
    Boolean certificateCoversName,
    Shape shape) {

  /** A JDK-shaped handshake (stored JSON from before there were shapes reads as one too). */
  public TlsEvidence(
      Sni sni,
      String serverName,
      HttpStage stage,
      String error,
      String protocol,
      String certificateSubject,
      long handshakeMillis,
      String certificateSha256,
      Boolean certificateCoversName) {
    this(
        sni,
        serverName,
        stage,
        error,
        protocol,
        certificateSubject,
        handshakeMillis,
        certificateSha256,
        certificateCoversName,
        Shape.JAVA);
  }

  /** The hello's shape, the JDK's when stored without one. */
  public Shape helloShape() {
    return shape == null ? Shape.JAVA : shape;
  }

  /** Whether the hello passed: the handshake completed, or (a browser's) the server answered. */
  public boolean passed() {
    return stage == HttpStage.RESPONSE;
  }

  /** How a ClientHello looks on the wire. */
  public enum Shape {
    /** The JDK's own hello, a full handshake. */
    JAVA,
    /** A browser's (Chrome's): GREASE, its suites, groups and extensions, ALPN h2. */
    BROWSER,
    /** The browser's with a GREASE Encrypted Client Hello extension. */
    BROWSER_ECH;

    @JsonValue
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** How people call it. */
    public String description() {
      return switch (this) {
        case JAVA -> "the JDK's hello";
        case BROWSER -> "a Chrome-like hello";
        case BROWSER_ECH -> "a Chrome-like hello with ECH";
      };
    }
  }

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
