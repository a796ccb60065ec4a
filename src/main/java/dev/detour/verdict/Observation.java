package dev.detour.verdict;

import dev.detour.probe.Evidence;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeResult;
import java.util.List;
import java.util.Optional;

/** What one vantage's probes of one address saw in one round; each rule reads its own kind. */
public record Observation(List<ProbeResult> results) {

  /** The evidence of this type, if a probe that produces it ran. */
  public <T extends Evidence> Optional<T> evidence(Class<T> type) {
    for (ProbeResult r : results) {
      if (r.status() == ProbeResult.Status.OK && type.isInstance(r.evidence())) {
        return Optional.of(type.cast(r.evidence()));
      }
    }
    return Optional.empty();
  }

  /** Whether any probe ran at all (one that could not run tells nothing). */
  public boolean ran() {
    return results.stream().anyMatch(r -> r.status() == ProbeResult.Status.OK);
  }

  /** Whether a probe of this kind ran. */
  public boolean ran(ProbeKind kind) {
    return results.stream()
        .anyMatch(r -> r.status() == ProbeResult.Status.OK && r.probe().equals(kind));
  }
}
