package dev.detour.auth;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A browser's session cookie, to be turned into an identity. */
public final class SessionRequest extends BaseAuthenticationRequest {

  private final String cookie;

  public SessionRequest(String cookie) {
    this.cookie = cookie;
  }

  public String cookie() {
    return cookie;
  }
}
