package dev.detour.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.probe.ProbeKind;
import dev.detour.targets.TargetKind;
import dev.detour.watch.io.ExportedWatch;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;

/** A watch as the API shows it; {@code warnings} says what normalisation changed on a write. */
public record WatchView(
    long id,
    String target,
    TargetKind kind,
    String group,
    List<Integer> ports,
    @JsonInclude(JsonInclude.Include.ALWAYS) Set<ProbeKind> probes,
    Set<ProbeKind> effectiveProbes,
    SortedSet<String> tags,
    String note,
    boolean enabled,
    Instant createdAt,
    Instant updatedAt,
    @JsonInclude(JsonInclude.Include.NON_NULL) Instant resumeAt,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> warnings)
    implements ExportedWatch {}
