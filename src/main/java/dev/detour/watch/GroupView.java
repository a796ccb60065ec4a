package dev.detour.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.probe.ProbeKind;
import java.time.Instant;
import java.util.Set;

/** A group as the API shows it, with the defaults it resolves to and how many watches it has. */
public record GroupView(
    String name,
    String description,
    @JsonInclude(JsonInclude.Include.ALWAYS) Integer intervalSeconds,
    long effectiveIntervalSeconds,
    @JsonInclude(JsonInclude.Include.ALWAYS) Set<ProbeKind> probes,
    Set<ProbeKind> effectiveProbes,
    boolean routeBlocked,
    @JsonInclude(JsonInclude.Include.ALWAYS) String routeWithdraw,
    String effectiveRouteWithdraw,
    boolean routeQuicBlocks,
    @JsonInclude(JsonInclude.Include.ALWAYS) Families families,
    Families effectiveFamilies,
    long watchCount,
    Instant createdAt,
    Instant updatedAt) {}
