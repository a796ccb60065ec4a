package dev.detour.state;

import dev.detour.verdict.WatchState;
import java.util.Map;

/**
 * The monitor at a glance: is it on, is this vantage online, is the control there, how many watches
 * are in each state, how long each group's last round took and how many rounds it has done since
 * start, how busy the probers are (watches probing, waiting to start, and due to be looked at again
 * to confirm a change), and which node of a cluster answers.
 */
public record MonitorView(
    String node,
    boolean enabled,
    boolean vantageOnline,
    String vantage,
    String controlMode,
    boolean controlOnline,
    String control,
    Map<WatchState, Long> states,
    Map<String, Long> lastRoundMillis,
    Map<String, Long> rounds,
    int probing,
    int queued,
    int rechecking) {}
