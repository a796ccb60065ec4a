package dev.detour.watch;

import dev.detour.api.ReadsOutlastReopen;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Groups of watches and their defaults. */
@Path("/api/groups")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "groups")
@ReadsOutlastReopen
public class GroupResource {

  private final GroupService groups;

  public GroupResource(GroupService groups) {
    this.groups = groups;
  }

  @GET
  @Operation(summary = "All groups, with their watch counts")
  public List<GroupView> list() {
    return groups.list();
  }

  @GET
  @Path("{name}")
  public GroupView get(@PathParam("name") String name) {
    return groups.get(name);
  }

  @POST
  @Operation(summary = "Create a group")
  public Response create(GroupInput input, UriInfo uri) {
    GroupView created = groups.create(input);
    return Response.created(uri.getAbsolutePathBuilder().path(created.name()).build())
        .entity(created)
        .build();
  }

  @PUT
  @Path("{name}")
  @Operation(summary = "Replace a group's settings (a new name renames it)")
  public GroupView update(@PathParam("name") String name, GroupInput input) {
    return groups.update(name, input);
  }

  @DELETE
  @Path("{name}")
  @Operation(summary = "Delete a group; with cascade=true also its watches")
  public Response delete(
      @PathParam("name") String name,
      @QueryParam("cascade") @DefaultValue("false") boolean cascade) {
    groups.delete(name, cascade);
    return Response.noContent().build();
  }
}
