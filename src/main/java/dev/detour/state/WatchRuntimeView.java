package dev.detour.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.WatchState;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * A watch's status as the API shows it: the state with its method, since when and how sure; the run
 * of rounds that may change it; the latest round's reasons and sub-verdicts; the censor's hop.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record WatchRuntimeView(
    WatchState state,
    BlockMethod method,
    Set<BlockMethod> methods,
    Instant since,
    double confidence,
    Instant checkedAt,
    Pending pending,
    List<String> reasons,
    Integer censorHop,
    String censorRouter,
    CensorLocation censor,
    List<Part> parts,
    JsonNode evidence) {

  /** A change under way: the rounds so far that disagree with the state. */
  public record Pending(WatchState state, BlockMethod method, int rounds, Instant since) {}

  /** The same without the bulky parts (evidence, trace, sub-verdicts): for lists. */
  public WatchRuntimeView summary() {
    return new WatchRuntimeView(
        state,
        method,
        methods,
        since,
        confidence,
        checkedAt,
        pending,
        null,
        censorHop,
        censorRouter,
        null,
        null,
        null);
  }
}
