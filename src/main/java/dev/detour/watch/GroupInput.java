package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import java.util.Set;

/**
 * A group as a client writes it. Omitted interval and probes follow the service defaults ({@code
 * detour.probe.interval}, {@code detour.probe.kinds}); {@code routeBlocked} defaults to true.
 */
public record GroupInput(
    String name,
    String description,
    Integer intervalSeconds,
    Set<ProbeKind> probes,
    Boolean routeBlocked) {}
