package dev.detour.verdict;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A sub-verdict: one /24 of a prefix watch (kept with its own hysteresis), or one address of a host
 * (as of the last round), so a partial block shows.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Part(
    String part, WatchState state, BlockMethod method, Instant since, String lastAddress) {}
