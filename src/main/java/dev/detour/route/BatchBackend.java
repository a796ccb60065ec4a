package dev.detour.route;

import java.util.Map;

/**
 * A router that takes a whole diff in one request — this host's table, through one {@code ip
 * -batch} per address family — rather than one request per change. {@link Reconciler#apply} hands
 * such a backend the diff at once; every change still comes back with its own outcome, to be
 * audited and counted one by one. A router that wants its changes paced (RouterOS) is no batch
 * backend.
 */
public interface BatchBackend extends RouterBackend {

  /**
   * Makes the diff's changes: the additions, then the updates, then the removals, each as {@link
   * #add}, {@link #update} and {@link #remove} would make it.
   *
   * @param comments the comment of each prefix added
   * @return the changes refused, by their place in that order (the first addition is 0, the first
   *     update follows the last addition); empty when all were made
   * @throws RouterException when the request failed as a whole (cannot run, timeout), so that what
   *     was made is unknown until the next list
   */
  Map<Integer, RouterException> applyAll(Reconciler.Diff diff, Map<String, String> comments)
      throws RouterException;
}
