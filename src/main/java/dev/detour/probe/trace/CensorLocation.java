package dev.detour.probe.trace;

import java.util.List;

/**
 * Where on the path an offending packet — a SYN of some shape, an HTTP request, a ClientHello — is
 * answered with a reset. A tap that sees packets before routing resets even the packet that expires
 * at its hop, so the lowest TTL drawing a reset is its hop, named by the time-exceeded of that TTL.
 * A censor in the forwarding path (a firewall rule) never sees a packet that expires at its hop:
 * the lowest reset comes one TTL later, with no time-exceeded, and the censor is the router that
 * named itself one TTL earlier.
 *
 * @param offending what was sent with rising TTLs: {@code syn-linux}, {@code syn-bare}, {@code
 *     http-request}, {@code client-hello}
 * @param censorHop the censor's hop, or -1 when no TTL drew a reset before the host
 * @param censorRouter the router at that hop, or null when it stayed silent
 * @param hostHop the TTL at which the host itself answered, or -1
 */
public record CensorLocation(
    String target,
    int port,
    String offending,
    List<TraceHop> hops,
    int censorHop,
    String censorRouter,
    int hostHop) {}
