package dev.detour.auth;

import dev.detour.api.ReadsOutlastReopen;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Accounts and API tokens ({@code /api/users}, {@code /api/tokens}: admins only), and the caller's
 * own account ({@code /api/me}).
 */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Access", description = "Accounts, roles and API tokens")
@ReadsOutlastReopen
public class AccessResource {

  private final Accounts accounts;
  private final ApiTokens tokens;
  private final SecurityIdentity identity;

  public AccessResource(Accounts accounts, ApiTokens tokens, SecurityIdentity identity) {
    this.accounts = accounts;
    this.tokens = tokens;
    this.identity = identity;
  }

  /** Who is calling, and how they proved it. */
  public record Me(String username, String role, String authenticatedBy) {}

  /** A role to give: {@code {"role": "viewer"}}. */
  public record RoleInput(String role) {}

  /** A new password; {@code current} is needed when changing one's own. */
  public record PasswordInput(String current, String password) {}

  @GET
  @Path("me")
  @Operation(summary = "The calling account or token, its role and how it authenticated")
  public Me me() {
    return new Me(
        identity.getPrincipal().getName(),
        identity.hasRole("admin") ? "admin" : "viewer",
        identity.getAttribute(IdentityProviders.HOW));
  }

  @PUT
  @Path("me/password")
  @Operation(summary = "Change the calling account's password (the current one is required)")
  public Response myPassword(PasswordInput input) {
    String name = identity.getPrincipal().getName();
    if (accounts.find(name) == null) {
      throw new dev.detour.api.ProblemException(
          409,
          "conflict",
          "Not an account",
          "An API token has no password to change",
          List.of(),
          0);
    }
    accounts.changePassword(
        name,
        input == null ? null : input.current(),
        input == null ? null : input.password(),
        false);
    return Response.noContent().build();
  }

  @GET
  @Path("users")
  @Operation(summary = "All accounts (admins only)")
  public List<Accounts.View> users() {
    return accounts.list();
  }

  @POST
  @Path("users")
  @Operation(summary = "Create an account: username, password (10+ characters), role")
  public Response addUser(Accounts.Input input) {
    Accounts.View v = accounts.add(input);
    return Response.created(URI.create("/api/users/" + v.username())).entity(v).build();
  }

  @PUT
  @Path("users/{name}/role")
  @Operation(summary = "Make an account admin or viewer (the last admin stays admin)")
  public Response setRole(@PathParam("name") String name, RoleInput input) {
    accounts.setRole(name, input == null ? null : input.role());
    return Response.noContent().build();
  }

  @PUT
  @Path("users/{name}/password")
  @Operation(summary = "Set an account's password (ends its browser sessions)")
  public Response setPassword(@PathParam("name") String name, PasswordInput input) {
    accounts.changePassword(name, null, input == null ? null : input.password(), true);
    return Response.noContent().build();
  }

  @DELETE
  @Path("users/{name}")
  @Operation(summary = "Delete an account (not the last admin)")
  public Response deleteUser(@PathParam("name") String name) {
    accounts.delete(name);
    return Response.noContent().build();
  }

  @GET
  @Path("tokens")
  @Operation(summary = "API tokens (admins only); the secrets are never shown again")
  public List<ApiTokens.View> tokens() {
    return tokens.list();
  }

  @POST
  @Path("tokens")
  @Operation(
      summary = "Create an API token: name, role",
      description = "The answer's secret is shown this once; send it as Authorization: Bearer.")
  public Response addToken(ApiTokens.Input input) {
    ApiTokens.Created c = tokens.create(input, identity.getPrincipal().getName());
    return Response.created(URI.create("/api/tokens/" + c.token().id())).entity(c).build();
  }

  @DELETE
  @Path("tokens/{id}")
  @Operation(summary = "Revoke an API token")
  public Response revoke(@PathParam("id") long id) {
    tokens.revoke(id);
    return Response.noContent().build();
  }
}
