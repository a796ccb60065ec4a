package dev.detour.state;

import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Part;
import dev.detour.verdict.WatchState;
import java.util.List;

/**
 * A watch as the route planner sees it: blocked, or unknown while this vantage is offline (the
 * planner keeps those watches' routes).
 *
 * @param parts the sub-verdicts (a prefix's blocks, a host's addresses)
 * @param confirmed its latest round had a working control vantage
 */
public record Standing(
    long watchId, WatchState state, BlockMethod method, List<Part> parts, boolean confirmed) {}
