package dev.detour.ui;

import dev.detour.api.ReadsOutlastReopen;
import dev.detour.auth.Logins;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
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
@ReadsOutlastReopen
public class LoginPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance login(String next, String username, String error);
  }

  private final Logins logins;
  private final SecurityIdentity identity;

  public LoginPage(Logins logins, SecurityIdentity identity) {
    this.logins = logins;
    this.identity = identity;
  }

  @GET
  @Path("login")
  @Operation(hidden = true)
  public Response form(@QueryParam("next") String next) {
    if (!identity.isAnonymous() && Logins.bySession(identity)) {
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
    Logins.Outcome outcome = logins.login(username, password, ctx);
    if (outcome instanceof Logins.Refused refused) {
      return page(refused.status(), next, username, refused.message());
    }
    return Response.seeOther(URI.create(safeNext(next)))
        .header("Set-Cookie", ((Logins.Opened) outcome).setCookie())
        .build();
  }

  @POST
  @Path("logout")
  @Operation(hidden = true)
  public Response logout(RoutingContext ctx) {
    String forget = logins.logout(ctx);
    return Response.seeOther(URI.create("/login"))
        .header("Set-Cookie", forget)
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

  /** Where to go after login: a path on this site, never another site ({@code //evil}). */
  public static String safeNext(String next) {
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
