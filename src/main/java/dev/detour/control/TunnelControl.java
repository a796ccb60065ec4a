package dev.detour.control;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.Route;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The control vantage through the user's tunnel ({@code detour.control.mode=interface}): the same
 * probes, leaving by the tunnel interface from its address, as the seed's author did from the
 * droplet's side. Names are resolved by resolvers asked through the tunnel, which the ISP cannot
 * answer in their place.
 */
final class TunnelControl implements ControlVantage {

  private final String device;
  private final List<InetSocketAddress> resolvers;
  private final ProbeService probes;
  private final DnsProbe dns;
  private final IcmpProbe icmp;

  TunnelControl(
      String device,
      List<InetSocketAddress> resolvers,
      ProbeService probes,
      DnsProbe dns,
      IcmpProbe icmp) {
    this.device = device;
    this.resolvers = List.copyOf(resolvers);
    this.probes = probes;
    this.dns = dns;
    this.icmp = icmp;
  }

  @Override
  public String mode() {
    return "interface";
  }

  /** The tunnel exists, is up, and its far end (the route's gateway, if any) answers ping. */
  @Override
  public Health health() {
    Path operstate = Path.of("/sys/class/net", device, "operstate");
    if (!Files.exists(operstate)) {
      return new Health(false, "tunnel interface " + device + " does not exist");
    }
    try {
      String state = Files.readString(operstate).strip();
      if (state.equals("down")) {
        return new Health(false, "tunnel interface " + device + " is down");
      }
      InetSocketAddress first = resolvers.get(0);
      Route route = Route.lookup(first.getAddress(), device);
      if (route.gateway() == null) {
        return new Health(true, "tunnel " + device + " is " + state + " (no gateway to ping)");
      }
      IcmpEvidence echo = icmp.probe(InetAddress.getByName(route.gateway()), device, null);
      if (echo.replies().isEmpty()) {
        return new Health(
            false, "the tunnel's far end " + route.gateway() + " does not answer ping");
      }
      return new Health(true, "tunnel " + device + " to " + route.gateway() + " answers");
    } catch (IOException | RuntimeException e) {
      return new Health(false, "tunnel " + device + ": " + e.getMessage());
    }
  }

  @Override
  public ProbeService.Run probe(
      String target, InetAddress address, String name, List<Integer> ports, Set<ProbeKind> kinds)
      throws IOException {
    return ProbeService.await(probes.start(target, address, name, ports, kinds, device, false));
  }

  @Override
  public DnsAnswers resolve(String name) throws IOException {
    // Every resolver is asked out of the tunnel, so from the tunnel's own address.
    InetAddress source =
        InetAddress.getByName(Route.lookup(resolvers.get(0).getAddress(), device).source());
    return dns.ask(name, resolvers, source, true);
  }
}
