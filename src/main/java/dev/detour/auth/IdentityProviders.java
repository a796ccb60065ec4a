package dev.detour.auth;

import dev.detour.api.ReadRetry;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns each kind of credential into an identity with one role ({@code admin} or {@code viewer})
 * and an attribute {@value #HOW} saying how it came ({@code password}, {@code token}, {@code
 * session}); sessions also carry their CSRF token. The checks read the database, so they run off
 * the event loop, and are asked again when the embedded database closed under them (a full disk).
 */
public final class IdentityProviders {

  /** The identity attribute naming how the request authenticated. */
  public static final String HOW = "detour.auth";

  private IdentityProviders() {}

  static SecurityIdentity identity(String name, Role role, String how, String csrf) {
    QuarkusSecurityIdentity.Builder b =
        QuarkusSecurityIdentity.builder()
            .setPrincipal(new QuarkusPrincipal(name))
            .addRole(role.id())
            .addAttribute(HOW, how);
    if (csrf != null) {
      b.addAttribute(CsrfFilter.ATTRIBUTE, csrf);
    }
    return b.build();
  }

  private static AuthenticationFailedException denied() {
    return new AuthenticationFailedException("denied");
  }

  /** HTTP Basic: an account's name and password. */
  @ApplicationScoped
  public static class Password implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private final Accounts accounts;

    public Password(Accounts accounts) {
      this.accounts = accounts;
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
      return UsernamePasswordAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
        UsernamePasswordAuthenticationRequest request, AuthenticationRequestContext context) {
      String password = new String(request.getPassword().getPassword());
      return context.runBlocking(
          () ->
              ReadRetry.get(
                      "a password check",
                      () -> accounts.authenticate(request.getUsername(), password))
                  .map(a -> identity(a.username, Role.parse(a.role), "password", null))
                  .orElseThrow(IdentityProviders::denied));
    }
  }

  /** {@code Authorization: Bearer dtr_…}: an API token. */
  @ApplicationScoped
  public static class Token implements IdentityProvider<TokenAuthenticationRequest> {

    private final ApiTokens tokens;

    public Token(ApiTokens tokens) {
      this.tokens = tokens;
    }

    @Override
    public Class<TokenAuthenticationRequest> getRequestType() {
      return TokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
        TokenAuthenticationRequest request, AuthenticationRequestContext context) {
      String secret = request.getToken().getToken();
      return context.runBlocking(
          () ->
              ReadRetry.get("a token check", () -> tokens.check(secret))
                  .map(h -> identity(h.name(), h.role(), "token", null))
                  .orElseThrow(IdentityProviders::denied));
    }
  }

  /** The session cookie of a form login. */
  @ApplicationScoped
  public static class Session implements IdentityProvider<SessionRequest> {

    private final Sessions sessions;

    public Session(Sessions sessions) {
      this.sessions = sessions;
    }

    @Override
    public Class<SessionRequest> getRequestType() {
      return SessionRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(
        SessionRequest request, AuthenticationRequestContext context) {
      return context.runBlocking(
          () ->
              ReadRetry.get("a session check", () -> sessions.find(request.cookie()))
                  .map(s -> identity(s.username(), s.role(), "session", s.csrf()))
                  .orElseThrow(IdentityProviders::denied));
    }
  }
}
