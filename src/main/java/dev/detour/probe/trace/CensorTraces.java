package dev.detour.probe.trace;

import dev.detour.probe.Evidence;
import java.util.List;

/** The censor located for each offending packet traced: the SYN, the request, the ClientHello. */
public record CensorTraces(List<CensorLocation> traces) implements Evidence {}
