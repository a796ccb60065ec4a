package dev.detour.probe.trace;

import dev.detour.probe.packet.PacketView;
import java.util.List;

/**
 * What one TTL of a TCP trace drew: the router whose ICMP time-exceeded named itself, and any TCP
 * answer (a reset from a censor on the way, or the host's own SYN-ACK).
 *
 * @param router the address that sent time-exceeded for this TTL, or null
 */
public record TraceHop(int ttl, String router, List<PacketView> answers) {

  public boolean reset() {
    return answers.stream().anyMatch(p -> p.tcp() != null && p.tcp().rst());
  }

  /** Whether the host itself answered with data (an HTTP response, a ServerHello). */
  public boolean data() {
    return answers.stream().anyMatch(p -> p.tcp() != null && p.tcp().payloadLength() > 0);
  }

  public boolean synAck() {
    return answers.stream().anyMatch(p -> p.tcp() != null && p.tcp().syn() && p.tcp().ackFlag());
  }
}
