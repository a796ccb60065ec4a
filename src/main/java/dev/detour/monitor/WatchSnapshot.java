package dev.detour.monitor;

import dev.detour.probe.ProbeKind;
import dev.detour.targets.TargetKind;
import dev.detour.watch.Families;
import java.util.List;
import java.util.Set;

/** A watch as one round probes it, read from the database at the round's start. */
record WatchSnapshot(
    long id,
    String target,
    TargetKind kind,
    long groupId,
    String group,
    List<Integer> ports,
    Set<ProbeKind> probes,
    Families families) {}
