package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import dev.detour.incident.Incidents;
import dev.detour.state.WatchStates;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Whether a problem alerting told still holds, from the states the watches' hysteresis holds
 * ({@link WatchStates#held}: an offline uplink makes every watch show unknown, but a block told
 * stays told): what a resend and a mass block's clear go by.
 */
@ApplicationScoped
class Problems {

  private final WatchStates states;
  private final Incidents incidents;

  Problems(WatchStates states, Incidents incidents) {
    this.states = states;
    this.incidents = incidents;
  }

  /**
   * Reads again what other nodes of a cluster decided, before states are asked: the node sending
   * alerts need not be the one that ran a group's latest round.
   */
  void catchUp() {
    states.catchUp();
  }

  /** Whether a told problem still holds: null when what it was about is gone (a watch deleted). */
  Boolean holds(Alert told) {
    if (told.key().startsWith("watch:")) {
      long watch = Long.parseLong(told.key().substring(6));
      WatchState held = states.held(List.of(watch)).get(watch);
      // Neither probed since this start nor stored: the watch is no more.
      return held == null ? null : held == WatchState.BLOCKED;
    }
    if (told.key().startsWith("mass:")) {
      return stillBlocked(Long.parseLong(told.key().substring(5))) > 0;
    }
    return true;
  }

  /** How many of a mass block's watches are blocked now. */
  long stillBlocked(long massId) {
    List<Long> members = incidents.memberWatches(massId);
    if (members.isEmpty()) {
      return 0;
    }
    return states.held(members).values().stream().filter(s -> s == WatchState.BLOCKED).count();
  }
}
