package dev.detour.control;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.api.ReadsOutlastReopen;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsEvidence;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.probe.packet.RawPacketAccess;
import dev.detour.targets.Ports;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Detour as a control agent ({@code detour.agent.enabled=true}): another Detour, behind the censor,
 * asks it to probe targets from abroad. Every request needs the token; requests beyond the rate
 * limit or the concurrency limit get 429; private and reserved targets are refused unless allowed;
 * and only probes that answer "does it work from here" run — no traces, no scans.
 */
@Path("/agent/v1")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Control agent", description = "Probes from abroad for another Detour")
@ReadsOutlastReopen
public class AgentResource {

  private static final int MAX_PORTS = Ports.MAX;
  private static final Pattern NAME =
      Pattern.compile("(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9])?\\.)*[a-z0-9-]{1,63}");

  private final AgentConfig config;
  private final ProbeService probes;
  private final DnsProbe dns;
  private final RawPacketAccess access;
  private final AgentGuard guard;
  private final RateLimit rate;
  private final Semaphore running;

  /** Probes that answer "does it work from here": no traces, no scans. */
  private final Set<ProbeKind> allowed;

  private final Probes probeOrder;

  public AgentResource(
      AgentConfig config, ProbeService probes, Probes all, DnsProbe dns, RawPacketAccess access) {
    this.probeOrder = all;
    this.allowed =
        all.all().stream()
            .filter(Probe::agentMayRun)
            .map(Probe::kind)
            .collect(Collectors.toCollection(TreeSet::new));
    this.config = config;
    this.probes = probes;
    this.dns = dns;
    this.access = access;
    this.guard = new AgentGuard(this.config.allow().orElse(List.of()));
    this.rate = new RateLimit(this.config.rateLimit());
    this.running = new Semaphore(this.config.maxConcurrent());
  }

  /** A probe request: one address, the name for Host and SNI, the ports and the probes. */
  public record ProbeInput(
      String target, String address, String name, List<Integer> ports, Set<ProbeKind> probes) {}

  /** A name to resolve with the agent's own resolvers. */
  public record ResolveInput(String name) {}

  @GET
  @Path("health")
  @Operation(summary = "Whether the agent is up and can send raw probes")
  public Response health() {
    Response refused = admit(false);
    if (refused != null) {
      return refused;
    }
    return Response.ok(Map.of("status", "up", "raw", access.status().canProbe())).build();
  }

  @POST
  @Path("probe")
  @Operation(summary = "Probe one address from the agent's vantage")
  public Response probe(ProbeInput input) {
    Response refused = admit(true);
    if (refused != null) {
      return refused;
    }
    try {
      InetAddress address = validate(input);
      if (!running.tryAcquire()) {
        return tooMany("the agent is running " + config.maxConcurrent() + " probes already");
      }
      try {
        ProbeService.Run run =
            ProbeService.await(
                probes.start(
                    input.target() != null ? input.target() : input.address(),
                    address,
                    input.name(),
                    input.ports(),
                    input.probes(),
                    null,
                    false));
        return Response.ok(run).build();
      } finally {
        running.release();
      }
    } catch (IOException e) {
      throw ProblemException.invalidField("Cannot probe", "address", e.getMessage());
    }
  }

  @POST
  @Path("resolve")
  @Operation(summary = "Resolve a name with the agent's own resolvers")
  public Response resolve(ResolveInput input) {
    Response refused = admit(true);
    if (refused != null) {
      return refused;
    }
    if (input == null || input.name() == null || !NAME.matcher(input.name()).matches()) {
      throw ProblemException.invalidField("Invalid name", "name", "a host name, e.g. example.org");
    }
    DnsAnswers answers = dns.ask(input.name(), DnsProbe.systemResolvers(), null, true);
    return Response.ok(new DnsAnswers(answers.answers().stream().map(this::publicOnly).toList()))
        .build();
  }

  /** An answer without the addresses the agent would refuse to probe: its own network stays its. */
  private DnsEvidence publicOnly(DnsEvidence a) {
    List<String> kept =
        a.addresses().stream()
            .filter(
                text -> {
                  try {
                    return guard.refusal(InetAddress.getByName(text)) == null;
                  } catch (UnknownHostException e) {
                    return false;
                  }
                })
            .toList();
    return new DnsEvidence(
        a.name(),
        a.type(),
        a.resolver(),
        a.rcode(),
        kept,
        List.of(),
        a.blockPageAddresses(),
        a.millis(),
        a.error());
  }

  private InetAddress validate(ProbeInput input) {
    List<FieldError> errors = new ArrayList<>();
    if (input == null) {
      throw ProblemException.invalidField("Invalid probe", "address", "a JSON body is required");
    }
    InetAddress address = null;
    if (input.address() == null || !input.address().matches("[0-9a-fA-F:.]{2,45}")) {
      errors.add(FieldError.field("address", "an IPv4 or IPv6 address"));
    } else {
      try {
        address = InetAddress.getByName(input.address());
      } catch (UnknownHostException e) {
        errors.add(FieldError.field("address", "an IPv4 or IPv6 address"));
      }
    }
    if (input.name() != null && !NAME.matcher(input.name()).matches()) {
      errors.add(FieldError.field("name", "a host name, e.g. example.org"));
    }
    if (input.ports() == null || input.ports().isEmpty() || input.ports().size() > MAX_PORTS) {
      errors.add(FieldError.field("ports", "1 to " + MAX_PORTS + " ports"));
    } else {
      for (int i = 0; i < input.ports().size(); i++) {
        Integer port = input.ports().get(i);
        if (port == null || port < 1 || port > 65535) {
          errors.add(FieldError.field("ports[" + i + "]", "a port from 1 to 65535"));
        }
      }
    }
    if (input.probes() == null || input.probes().isEmpty()) {
      errors.add(FieldError.field("probes", "one or more of " + labels()));
    } else if (!allowed.containsAll(input.probes())) {
      errors.add(FieldError.field("probes", "the agent runs only " + labels()));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid probe", errors);
    }
    String refusal = guard.refusal(address);
    if (refusal != null) {
      throw new ProblemException(
          403,
          "forbidden-target",
          "Target refused",
          refusal + ": the agent probes public addresses only (see detour.agent.allow)",
          List.of(FieldError.field("address", refusal)),
          1);
    }
    return address;
  }

  private String labels() {
    return String.join(", ", probeOrder.ordered(allowed).stream().map(ProbeKind::label).toList());
  }

  /**
   * Null when the request may go on, else the answer refusing it. The token was checked before the
   * request was read ({@link AgentGate}).
   */
  private Response admit(boolean counts) {
    if (!config.enabled()) {
      throw ProblemException.notFound("this Detour is not a control agent");
    }
    if (counts && !rate.tryAcquire()) {
      return tooMany("more than " + config.rateLimit() + " requests a second");
    }
    return null;
  }

  private static Response tooMany(String why) {
    return Response.fromResponse(
            AgentGate.problem(
                "rate-limited", "Too many requests", 429, why + "; retry in a second"))
        .header("Retry-After", "1")
        .build();
  }
}
