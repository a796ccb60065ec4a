package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import java.util.List;
import java.util.Set;

/**
 * A watch as a client writes it ({@code POST /api/watches}, {@code PUT /api/watches/{id}}). Only
 * {@code target} and {@code group} are required; omitted ports default to {@code
 * detour.watch.ports}, omitted probes follow the group.
 */
public record WatchInput(
    String target,
    String group,
    List<Integer> ports,
    Set<ProbeKind> probes,
    Set<String> tags,
    String note,
    Boolean enabled) {}
