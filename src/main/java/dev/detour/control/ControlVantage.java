package dev.detour.control;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.dns.DnsAnswers;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/**
 * Somewhere uncensored to probe from: the same target through the tunnel, or a Detour agent abroad.
 * A block is a block only when the target works from here. One implementation per {@code
 * detour.control.mode}.
 */
public interface ControlVantage {

  /** {@code none}, {@code interface} or {@code agent}. */
  String mode();

  /** Whether this vantage can say anything at all (there is one, and it answers). */
  Health health();

  /** Probes one address from the control vantage with these kinds. */
  ProbeService.Run probe(
      String target, InetAddress address, String name, List<Integer> ports, Set<ProbeKind> kinds)
      throws IOException;

  /** What the name resolves to from the control vantage (its resolvers, not this host's). */
  DnsAnswers resolve(String name) throws IOException;

  /** A health check's answer. */
  record Health(boolean ok, String detail) {}
}
