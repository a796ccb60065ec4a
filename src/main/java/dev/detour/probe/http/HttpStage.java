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
  /** A complete HTTP answer came back (any status). */
  RESPONSE;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
