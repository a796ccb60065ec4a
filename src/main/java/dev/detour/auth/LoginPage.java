package dev.detour.auth;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.ext.web.RoutingContext;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The form login: {@code GET /login} shows it, {@code POST /login} checks the password and opens a
 * session (an HttpOnly, SameSite=Lax cookie), {@code POST /logout} closes it.
 */
@Path("/")
@Produces(MediaType.TEXT_HTML)
public class LoginPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(String next, String username, String error);
  }

  private final Accounts accounts;
  private final Sessions sessions;
  private final LoginThrottle throttle;
  private final SecurityIdentity identity;

  public LoginPage(
      Accounts accounts, Sessions sessions, LoginThrottle throttle, SecurityIdentity identity) {
    this.accounts = accounts;
    this.sessions = sessions;
    this.throttle = throttle;
    this.identity = identity;
  }

  @GET
  @Path("login")
  @Operation(hidden = true)
  public Response form(@QueryParam("next") String next) {
    if (!identity.isAnonymous() && "session".equals(identity.getAttribute(IdentityProviders.HOW))) {
      return Response.seeOther(URI.create(safeNext(next))).build();
    }
    return Response.ok(Templates.login(safeNext(next), "", null).data("nav", "")).build();
  }

  @POST
  @Path("login")
  @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
  @Operation(hidden = true)
  public Response login(
      @FormParam("username") String username,
      @FormParam("password") String password,
      @FormParam("next") String next,
      RoutingContext ctx) {
    String address = DetourAuthMechanism.clientAddress(ctx);
    String origin = ctx.request().getHeader("Origin");
    if (origin != null && !CsrfFilter.sameSite(origin, ctx.request().getHeader("Host"))) {
      return page(403, next, username, "This login form was sent from another site.");
    }
    if (!throttle.allowed(address)) {
      return page(
          429,
          next,
          username,
          "Too many failed logins from your address: wait a minute and try again.");
    }
    var account = accounts.authenticate(username, password == null ? "" : password);
    if (account.isEmpty()) {
      throttle.failed(address);
      return page(401, next, username, "Wrong user name or password.");
    }
    throttle.succeeded(address);
    Sessions.Opened opened = sessions.open(account.get());
    return Response.seeOther(URI.create(safeNext(next)))
        .header("Set-Cookie", cookie(opened.cookie(), ctx, -1))
        .build();
  }

  @POST
  @Path("logout")
  @Operation(hidden = true)
  public Response logout(RoutingContext ctx) {
    Cookie c = ctx.request().getCookie(Sessions.COOKIE);
    if (c != null) {
      sessions.close(c.getValue());
    }
    return Response.seeOther(URI.create("/login"))
        .header("Set-Cookie", cookie("", ctx, 0))
        .header("HX-Redirect", "/login")
        .build();
  }

  private static Response page(int status, String next, String username, String error) {
    return Response.status(status)
        .entity(
            Templates.login(safeNext(next), username == null ? "" : username, error)
                .data("nav", ""))
        .type(MediaType.TEXT_HTML)
        .build();
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

  /** Where to go after login: a path on this site, never another site ({@code //evil}). */
  static String safeNext(String next) {
    if (next == null
        || !next.startsWith("/")
        || next.startsWith("//")
        || next.startsWith("/\\")
        || next.startsWith("/login")
        || next.length() > 2000
        || next.chars().anyMatch(ch -> ch < 0x20)) {
      return "/";
    }
    return next;
  }
}
