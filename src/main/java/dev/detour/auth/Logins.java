package dev.detour.auth;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Logging in with the form and out again: the origin check, the throttle on failed logins, the
 * password check, and the session cookie (HttpOnly, SameSite=Lax) that a login opens.
 */
@ApplicationScoped
public class Logins {

  /** What a login attempt came to: a session's cookie, or why not, with the status to answer. */
  public sealed interface Outcome {}

  /** A session opened: the {@code Set-Cookie} header's value. */
  public record Opened(String setCookie) implements Outcome {}

  /** Refused, with the HTTP status and a message for the person at the form. */
  public record Refused(int status, String message) implements Outcome {}

  private final Accounts accounts;
  private final Sessions sessions;
  private final LoginThrottle throttle;

  public Logins(Accounts accounts, Sessions sessions, LoginThrottle throttle) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.throttle = throttle;
  }

  public Outcome login(String username, String password, RoutingContext ctx) {
    String address = DetourAuthMechanism.clientAddress(ctx);
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !CsrfFilter.sameSite(origin, ctx.request().getHeader("Host"))) {
      return new Refused(403, "This login form was sent from another site.");
    }
    if (!throttle.allowed(address)) {
      return new Refused(
          429, "Too many failed logins from your address: wait a minute and try again.");
    }
    var account = accounts.authenticate(username, password == null ? "" : password);
    if (account.isEmpty()) {
      throttle.failed(address);
      return new Refused(401, "Wrong user name or password.");
    }
    throttle.succeeded(address);
    Sessions.Opened opened = sessions.open(account.get());
    return new Opened(cookie(opened.cookie(), ctx, -1));
  }

  /** Closes the request's session; returns the {@code Set-Cookie} value that forgets it. */
  public String logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(Sessions.COOKIE);
    if (c != null) {
      sessions.close(c.getValue());
    }
    return cookie("", ctx, 0);
  }

  /** Whether the request's identity came from a browser session (not a password or a token). */
  public static boolean bySession(io.quarkus.security.identity.SecurityIdentity identity) {
    return "session".equals(identity.getAttribute(IdentityProviders.HOW));
  }

  private static String cookie(String value, RoutingContext ctx, long maxAge) {
    Cookie c =
        Cookie.cookie(Sessions.COOKIE, value)
            .setPath("/")
            .setHttpOnly(true)
            .setSameSite(CookieSameSite.LAX)
            .setSecure(ctx.request().isSSL());
    if (maxAge >= 0) {
      c.setMaxAge(maxAge);
    }
    return c.encode();
  }
}
