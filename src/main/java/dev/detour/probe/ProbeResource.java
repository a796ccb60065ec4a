package dev.detour.probe;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.targets.Ports;
import dev.detour.targets.TargetConfig;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** "What does my ISP do to this address?": runs probes now and returns their evidence. */
@Path("/api/probe")
@Tag(name = "probes")
@ReadsOutlastReopen
public class ProbeResource {

  /** What to probe; only {@code target} is required. */
  public record ProbeInput(
      String target, Set<ProbeKind> probes, List<Integer> ports, String device) {}

  private final ProbeService service;
  private final Probes probes;
  private final List<Integer> defaultPorts;

  public ProbeResource(ProbeService service, Probes probes, TargetConfig targets) {
    this.service = service;
    this.probes = probes;
    this.defaultPorts = List.copyOf(targets.ports());
  }

  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @Produces(MediaType.APPLICATION_JSON)
  @Operation(
      summary = "Probe a target now",
      description =
          "Runs the named probes (all when omitted) and returns their evidence; raw probes keep"
              + " pcap files, listed in captures and served under /api/probe/captures.")
  public ProbeService.Run probe(ProbeInput input) {
    if (input == null) {
      throw ProblemException.invalidField(
          "Invalid probe", null, "send a JSON object with a \"target\"");
    }
    List<FieldError> errors = new ArrayList<>();
    List<Integer> ports = Ports.check(input.ports(), defaultPorts, "ports", errors);
    Set<ProbeKind> kinds = probes.check(input.probes(), "probes", errors);
    if (input.device() != null && !input.device().matches("[A-Za-z0-9._-]{1,15}")) {
      errors.add(FieldError.field("device", "an interface name, e.g. gre-tunnel1 or wg0"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid probe", errors);
    }
    return service.run(
        input.target(), kinds == null ? Set.copyOf(probes.kinds()) : kinds, ports, input.device());
  }

  @GET
  @Path("captures/{id}/{file}")
  @Produces("application/vnd.tcpdump.pcap")
  @Operation(summary = "A pcap file of a probe run")
  public Response capture(@PathParam("id") String id, @PathParam("file") String file) {
    return Response.ok(service.capture(id, file).toFile())
        .header("Content-Disposition", "attachment; filename=\"detour-" + id + "-" + file + "\"")
        .build();
  }
}
