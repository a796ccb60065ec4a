package dev.detour.auth;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.credential.PasswordCredential;
import io.quarkus.security.credential.TokenCredential;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.identity.request.TokenAuthenticationRequest;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Set;

/**
 * How a request says who it is. Scripts: {@code Authorization: Bearer dtr_…} (an API token) or HTTP
 * Basic (an account). Browsers: the session cookie of a form login — on every page, and on {@code
 * /api} for reading only, so that a page elsewhere cannot make a logged-in browser change anything
 * through the API. Who may do what is the path policy in application.properties: viewers read,
 * admins change.
 *
 * <p>Without a valid identity, a browser asking for a page is sent to {@code /login}; everything
 * else gets {@code 401} with a Basic challenge. Failed passwords and tokens count against the
 * client's address ({@link LoginThrottle}).
 */
@ApplicationScoped
public class DetourAuthMechanism implements HttpAuthenticationMechanism {

  private static final String AGENT = "/agent/";
  private final LoginThrottle throttle;

  public DetourAuthMechanism(LoginThrottle throttle) {
    this.throttle = throttle;
  }

  @Override
  public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager idm) {
    if (ctx.normalizedPath().startsWith(AGENT)) {
      // The control agent's API checks its own token (detour.agent.token), not accounts.
      return Uni.createFrom().optional(java.util.Optional.empty());
    }
    String authorization = ctx.request().getHeader("Authorization");
    if (authorization != null) {
      AuthenticationRequest request = fromHeader(authorization);
      if (request == null) {
        return Uni.createFrom().failure(new AuthenticationFailedException("malformed"));
      }
      String address = clientAddress(ctx);
      if (!throttle.allowed(address)) {
        return Uni.createFrom().failure(new AuthenticationFailedException("throttled"));
      }
      return idm.authenticate(request)
          .onItem()
          .invoke(identity -> throttle.succeeded(address))
          .onFailure()
          .invoke(failure -> throttle.failed(address));
    }
    Cookie cookie = ctx.request().getCookie(Sessions.COOKIE);
    if (cookie == null || !sessionMayAuthenticate(ctx)) {
      return Uni.createFrom().optional(java.util.Optional.empty());
    }
    // A stale cookie is no identity, not a failure: the login page must still open.
    return idm.authenticate(new SessionRequest(cookie.getValue())).onFailure().recoverWithNull();
  }

  private static AuthenticationRequest fromHeader(String authorization) {
    int space = authorization.indexOf(' ');
    if (space < 0) {
      return null;
    }
    String scheme = authorization.substring(0, space);
    String value = authorization.substring(space + 1).trim();
    if (scheme.equalsIgnoreCase("Bearer")) {
      return new TokenAuthenticationRequest(new TokenCredential(value, "bearer"));
    }
    if (scheme.equalsIgnoreCase("Basic")) {
      String decoded;
      try {
        decoded = new String(Base64.getDecoder().decode(value), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException e) {
        return null;
      }
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        return null;
      }
      return new UsernamePasswordAuthenticationRequest(
          decoded.substring(0, colon),
          new PasswordCredential(decoded.substring(colon + 1).toCharArray()));
    }
    return null;
  }

  /** Pages always; the API only for reading (no CSRF token guards it). */
  private static boolean sessionMayAuthenticate(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    if (!path.startsWith("/api/") && !path.equals("/api")) {
      return true;
    }
    HttpMethod m = ctx.request().method();
    return m == HttpMethod.GET || m == HttpMethod.HEAD;
  }

  @Override
  public Uni<ChallengeData> getChallenge(RoutingContext ctx) {
    if (wantsPage(ctx)) {
      String uri = ctx.request().uri();
      String next =
          uri.equals("/") ? "" : "?next=" + URLEncoder.encode(uri, StandardCharsets.UTF_8);
      return Uni.createFrom().item(new ChallengeData(302, "Location", "/login" + next));
    }
    if (ctx.request().getHeader("HX-Request") != null) {
      // htmx follows this to the login page when a session ends under an open page.
      ctx.response().putHeader("HX-Redirect", "/login");
    }
    return Uni.createFrom()
        .item(
            new ChallengeData(
                401, "WWW-Authenticate", "Basic realm=\"Detour\", charset=\"UTF-8\""));
  }

  private static boolean wantsPage(RoutingContext ctx) {
    String path = ctx.normalizedPath();
    String accept = ctx.request().getHeader("Accept");
    return ctx.request().method() == HttpMethod.GET
        && ctx.request().getHeader("HX-Request") == null
        && !path.startsWith("/api/")
        && (!path.startsWith("/q/") || path.startsWith("/q/swagger-ui"))
        && accept != null
        && accept.contains("text/html");
  }

  static String clientAddress(RoutingContext ctx) {
    return ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().host();
  }

  @Override
  public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
    return Set.of(
        UsernamePasswordAuthenticationRequest.class,
        TokenAuthenticationRequest.class,
        SessionRequest.class);
  }
}
