package dev.detour.state;

import dev.detour.history.Stretch;
import dev.detour.verdict.WatchState;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What Detour believes about its watches, for those who show or act on it (the API, the pages,
 * routing, alerting): the read side of the monitor, which decides it. Changes are announced as
 * {@link WatchStateChanged} events.
 */
public interface WatchStates {

  /**
   * One watch's status in full: as of its latest round when probed since this start, else as the
   * last run stored it, else unknown ("not probed yet").
   */
  WatchRuntimeView status(long watchId);

  /** Many watches' statuses as {@link #status}, without their evidence (for lists). */
  Map<Long, WatchRuntimeView> statuses(Collection<Long> watchIds);

  /**
   * The state each watch's hysteresis holds — while this vantage is offline too, when {@link
   * #statuses} shows every watch unknown: what alerting goes by to tell whether a problem it told
   * still holds. A watch with no state (never probed, deleted) is left out.
   */
  Map<Long, WatchState> held(Collection<Long> watchIds);

  /**
   * These watches' rounds not yet stored with their history (this hour's, held by the node that ran
   * them), each oldest first; the history's reader adds them to what the database holds.
   */
  Map<Long, List<Stretch>> unstored(Collection<Long> watchIds);

  /** How many watches of each group are in each state, as of their latest rounds. */
  Map<String, Map<WatchState, Long>> countsByGroup();

  /** The monitor at a glance: vantages, states, rounds. */
  MonitorView monitor();

  /** Every watch blocked, or unknown while this vantage is offline: what routing starts from. */
  List<Standing> standings();

  /**
   * Reads again the state of groups whose latest rounds ran on another node of a cluster, so what
   * this node shows and routes is what that node saw.
   */
  void catchUp();
}
