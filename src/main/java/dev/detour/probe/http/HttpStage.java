package dev.detour.probe.http;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How far an HTTP(S) exchange got. Blocks show at a stage: a black hole at connect, SNI filtering
 * at the TLS handshake, Host filtering once the request is sent.
 */
public enum HttpStage {
  CONNECT_TIMEOUT,
  CONNECT_REFUSED,
  CONNECT_FAILED,
  TLS_RESET,
  TLS_TIMEOUT,
  TLS_FAILED,
  REQUEST_RESET,
  REQUEST_TIMEOUT,
  /** The answer began, then stopped coming (a freeze after the first kilobytes). */
  BODY_STALLED,
  /** An HTTP answer came back (any status), whole or cut short ({@link HttpEvidence#cut}). */
  RESPONSE;

  /** It failed at the TCP connect: nothing of the site's came. */
  public boolean connectFailure() {
    return this == CONNECT_TIMEOUT || this == CONNECT_REFUSED || this == CONNECT_FAILED;
  }

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
