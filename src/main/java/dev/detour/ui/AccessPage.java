package dev.detour.ui;

import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.auth.Accounts;
import dev.detour.auth.ApiTokens;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Settings → Access: accounts and API tokens (admins), and one's own password (everyone). Each form
 * answers with the page again, its errors next to the fields and, after creating a token, the
 * secret shown this once.
 */
@Path("/settings")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
@ReadsOutlastReopen
public class AccessPage {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance access(
        List<Accounts.View> users,
        List<ApiTokens.View> tokens,
        Map<String, String> errors,
        Map<String, String> form,
        String secret,
        String notice);

    static native TemplateInstance password(Map<String, String> errors, String notice);
  }

  private final Accounts accounts;
  private final ApiTokens tokens;
  private final SecurityIdentity identity;

  public AccessPage(Accounts accounts, ApiTokens tokens, SecurityIdentity identity) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.identity = identity;
  }

  @GET
  @Path("access")
  @Operation(hidden = true)
  public TemplateInstance access() {
    return page(Map.of(), Map.of(), null, null, 200).entity();
  }

  @POST
  @Path("access/users")
  @Operation(hidden = true)
  public Response addUser(
      @FormParam("username") String username,
      @FormParam("password") String password,
      @FormParam("role") String role) {
    try {
      accounts.add(new Accounts.Input(username, password, role));
      return page(Map.of(), Map.of(), null, "Account " + username.trim() + " created.", 200)
          .response();
    } catch (ProblemException e) {
      return page(
              Forms.errors(e, "user."),
              Map.of("username", Forms.nz(username), "role", Forms.nz(role)),
              null,
              null,
              400)
          .response();
    }
  }

  @POST
  @Path("access/users/{name}/role")
  @Operation(hidden = true)
  public Response setRole(@PathParam("name") String name, @FormParam("role") String role) {
    return act(() -> accounts.setRole(name, role), name + " is now " + role + ".", name);
  }

  @POST
  @Path("access/users/{name}/password")
  @Operation(hidden = true)
  public Response reset(@PathParam("name") String name, @FormParam("password") String password) {
    return act(
        () -> accounts.changePassword(name, null, password, true),
        "Password of " + name + " set; their browser sessions ended.",
        name);
  }

  @POST
  @Path("access/users/{name}/delete")
  @Operation(hidden = true)
  public Response deleteUser(@PathParam("name") String name) {
    return act(() -> accounts.delete(name), "Account " + name + " deleted.", name);
  }

  @POST
  @Path("access/tokens")
  @Operation(hidden = true)
  public Response addToken(@FormParam("name") String name, @FormParam("role") String role) {
    try {
      ApiTokens.Created c =
          tokens.create(new ApiTokens.Input(name, role), identity.getPrincipal().getName());
      return page(Map.of(), Map.of(), c.secret(), "Token " + c.token().name() + " created.", 200)
          .response();
    } catch (ProblemException e) {
      return page(
              Forms.errors(e, "token."),
              Map.of("tokenName", Forms.nz(name), "tokenRole", Forms.nz(role)),
              null,
              null,
              400)
          .response();
    }
  }

  @POST
  @Path("access/tokens/{id}/revoke")
  @Operation(hidden = true)
  public Response revoke(@PathParam("id") long id) {
    return act(() -> tokens.revoke(id), "Token revoked.", null);
  }

  @GET
  @Path("password")
  @Operation(hidden = true)
  public TemplateInstance passwordForm() {
    return Templates.password(Map.of(), null).data("nav", "settings");
  }

  @POST
  @Path("password")
  @Operation(hidden = true)
  public Response changePassword(
      @FormParam("current") String current, @FormParam("password") String password) {
    String name = identity.getPrincipal().getName();
    if (accounts.find(name) == null) {
      return Response.status(409)
          .entity(
              Templates.password(Map.of("current", "An API token has no password"), null)
                  .data("nav", "settings"))
          .build();
    }
    try {
      accounts.changePassword(name, current, password, false);
    } catch (ProblemException e) {
      return Response.status(400)
          .entity(Templates.password(Forms.errors(e, ""), null).data("nav", "settings"))
          .build();
    }
    // Changing the password ends every session, this one too: log in again with the new one.
    return Response.seeOther(java.net.URI.create("/login")).build();
  }

  /** Runs a change of one account's row ({@code user}) or of the tokens ({@code null}). */
  private Response act(Runnable action, String done, String user) {
    try {
      action.run();
      return page(Map.of(), Map.of(), null, done, 200).response();
    } catch (ProblemException e) {
      Map<String, String> where = user == null ? Map.of() : Map.of("row", user);
      String key = user == null ? "tokens" : "row";
      return page(Map.of(key, e.getMessage()), where, null, null, e.status()).response();
    }
  }

  private record Page(TemplateInstance entity, int status) {
    Response response() {
      return Response.status(status).entity(entity).type(MediaType.TEXT_HTML).build();
    }
  }

  private Page page(
      Map<String, String> errors,
      Map<String, String> form,
      String secret,
      String notice,
      int status) {
    return new Page(
        Templates.access(accounts.list(), tokens.list(), errors, form, secret, notice)
            .data("nav", "settings"),
        status);
  }
}
