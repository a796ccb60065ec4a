package dev.detour.state;

import dev.detour.verdict.WatchState;
import java.time.Instant;

/**
 * One round of a watch for the latency chart.
 *
 * @param localMillis the first answer's delay here, or null when nothing answered
 * @param controlMillis the same through the control vantage, or null
 */
public record LatencySample(
    Instant at, Double localMillis, Double controlMillis, WatchState state) {}
