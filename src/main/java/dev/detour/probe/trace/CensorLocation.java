package dev.detour.probe.trace;

import dev.detour.probe.Evidence;
import dev.detour.probe.packet.SynShape;
import java.util.List;

/**
 * Where on the path an offending SYN is answered with a reset: the lowest TTL that draws one is the
 * censor's hop, and the router that sent time-exceeded at that TTL names it.
 *
 * @param censorHop the censor's hop, or -1 when no TTL drew a reset before the host
 * @param censorRouter the router at that hop, or null when it stayed silent
 * @param hostHop the TTL at which the host itself answered, or -1
 */
public record CensorLocation(
    String target,
    int port,
    SynShape shape,
    List<TraceHop> hops,
    int censorHop,
    String censorRouter,
    int hostHop)
    implements Evidence {}
