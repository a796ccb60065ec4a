package dev.detour.state;

import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.WatchState;
import java.time.Instant;

/**
 * A watch changed state (CDI event, fired on the node that decided it once the change and its
 * incident are stored). Observers must be quick: they run on the monitor's verdict threads.
 *
 * @param method the block's method when {@code to} is blocked, else null
 * @param incident the incident that records the change, or null when the change tells nothing (a
 *     watch seen up for the first time)
 */
public record WatchStateChanged(
    long watchId,
    String target,
    String group,
    WatchState from,
    WatchState to,
    BlockMethod method,
    Instant at,
    Long incident) {}
