package dev.detour.route;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Makes a router hold exactly the wanted routes among those Detour owns. It lists the router every
 * time instead of trusting what it did before, so a reboot (new ids), a timeout, an error half-way
 * or a crash of Detour mid-sync are all mended by the next sync: no duplicates, nothing stale.
 *
 * <p>Entries Detour does not own — the user's own routes, dynamic, connected or BGP ones — are
 * never changed; a wanted prefix the user already routes is left to the user's route.
 */
public final class Reconciler {

  /**
   * The changes that would make the router match: adds first, so no coverage gap opens, then the
   * owned entries that drifted set back in place ({@code update}, also among {@code kept}), then
   * the removals.
   */
  public record Diff(
      List<String> add,
      List<RouterRoute> update,
      List<RouterRoute> remove,
      List<RouterRoute> kept,
      List<String> foreign) {

    public boolean empty() {
      return add.isEmpty() && update.isEmpty() && remove.isEmpty();
    }

    /** Its changes in the order they are made: adds, updates, removals. */
    List<Step> steps() {
      List<Step> steps = new ArrayList<>();
      add.forEach(p -> steps.add(new Step("add", p, null)));
      update.forEach(r -> steps.add(new Step("update", r.prefix(), r)));
      remove.forEach(r -> steps.add(new Step("remove", r.prefix(), r)));
      return steps;
    }

    /** The same diff without its additions (held back while the tunnel is down). */
    public Diff withoutAdds() {
      return new Diff(List.of(), update, remove, kept, foreign);
    }
  }

  /** One change made or refused. */
  public record Change(String action, String prefix, boolean ok, String detail) {}

  /** Told about every change as it is made, to audit and count it. */
  public interface Listener {
    void changed(Change change);
  }

  /** What one apply did; {@code error} is set when it stopped early (the router failed). */
  public record Outcome(int added, int updated, int removed, int failed, String error) {

    public static final Outcome NOTHING = new Outcome(0, 0, 0, 0, null);
  }

  private Reconciler() {}

  /**
   * @param wanted normalised prefixes
   * @param actual everything the router lists
   */
  public static Diff diff(List<String> wanted, List<RouterRoute> actual) {
    Map<String, RouterRoute> owned = new LinkedHashMap<>();
    List<RouterRoute> remove = new ArrayList<>();
    Set<String> foreignPrefixes = new HashSet<>();
    for (RouterRoute r : actual) {
      if (!r.owned() || r.dynamic()) {
        foreignPrefixes.add(r.prefix());
      } else if (owned.putIfAbsent(r.prefix(), r) != null) {
        remove.add(r); // a duplicate, e.g. from an add that timed out but was made
      }
    }
    Set<String> want = new HashSet<>(wanted);
    List<String> add = new ArrayList<>();
    List<String> foreign = new ArrayList<>();
    for (String p : wanted) {
      if (owned.containsKey(p)) {
        continue;
      }
      if (foreignPrefixes.contains(p)) {
        foreign.add(p);
      } else {
        add.add(p);
      }
    }
    List<RouterRoute> kept = new ArrayList<>();
    List<RouterRoute> update = new ArrayList<>();
    for (RouterRoute r : owned.values()) {
      if (want.contains(r.prefix())) {
        kept.add(r);
        if (r.drift() != null) {
          update.add(r);
        }
      } else {
        remove.add(r);
      }
    }
    return new Diff(add, update, remove, kept, foreign);
  }

  /**
   * Applies a diff at most {@code perSecond} changes a second (0: as fast as the router answers). A
   * change the router refuses alone is counted and skipped; a router that fails (unreachable,
   * timeout, busy, bad login) stops the apply — the next sync lists again and carries on.
   *
   * <p>A {@link BatchBackend} takes the whole diff in one request instead, unpaced; its changes are
   * told to the listener one by one all the same.
   *
   * @param comments the comment of each prefix added
   */
  public static Outcome apply(
      RouterBackend router,
      Diff diff,
      Map<String, String> comments,
      int perSecond,
      Listener listener) {
    if (router instanceof BatchBackend batch && !diff.empty()) {
      return applyAll(batch, diff, comments, listener);
    }
    long gapNanos = perSecond <= 0 ? 0 : TimeUnit.SECONDS.toNanos(1) / perSecond;
    long next = System.nanoTime();
    Tally tally = new Tally(listener);
    for (Step step : diff.steps()) {
      next = pace(next, gapNanos);
      try {
        switch (step.action()) {
          case "add" -> router.add(step.prefix(), comments.getOrDefault(step.prefix(), ""));
          case "update" -> router.update(step.entry());
          default -> router.remove(step.entry());
        }
        tally.done(step);
      } catch (RouterException e) {
        if (tally.refused(step, e)) {
          return tally.outcome();
        }
      }
    }
    return tally.outcome();
  }

  /**
   * One request for the diff, then each change told as {@link #apply} tells it: a removal of an
   * entry already gone is done, and a refusal that is not this change's alone (no permission) is
   * the outcome's error, as it would have stopped a change-by-change apply.
   */
  private static Outcome applyAll(
      BatchBackend router, Diff diff, Map<String, String> comments, Listener listener) {
    List<Step> steps = diff.steps();
    Map<Integer, RouterException> refused;
    try {
      refused = router.applyAll(diff, comments);
    } catch (RouterException e) {
      // Everything was sent and nothing is known: each change is told as failed, and the next
      // sync's list shows what was made.
      refused = new HashMap<>();
      for (int i = 0; i < steps.size(); i++) {
        refused.put(i, e);
      }
    }
    Tally tally = new Tally(listener);
    for (int i = 0; i < steps.size(); i++) {
      RouterException e = refused.get(i);
      if (e == null) {
        tally.done(steps.get(i));
      } else {
        tally.refused(steps.get(i), e);
      }
    }
    return tally.outcome();
  }

  /** One change of a diff, in the order they are made: an add has no entry yet. */
  record Step(String action, String prefix, RouterRoute entry) {}

  /** Counts changes and tells the listener of each, as it is made or refused. */
  private static final class Tally {
    private final Listener listener;
    private int added;
    private int updated;
    private int removed;
    private int failed;
    private String error;

    Tally(Listener listener) {
      this.listener = listener;
    }

    void done(Step step) {
      switch (step.action()) {
        case "add" -> added++;
        case "update" -> updated++;
        default -> removed++;
      }
      listener.changed(
          new Change(
              step.action(),
              step.prefix(),
              true,
              step.action().equals("update") ? "was " + step.entry().drift() : ""));
    }

    /**
     * Counts a refusal; a removal of what is already gone is done. Returns whether the router
     * failed rather than this change alone, which stops a change-by-change apply.
     */
    boolean refused(Step step, RouterException e) {
      if (step.action().equals("remove") && e.kind() == RouterException.Kind.NOT_FOUND) {
        removed++;
        listener.changed(new Change("remove", step.prefix(), true, "already gone"));
        return false;
      }
      failed++;
      listener.changed(new Change(step.action(), step.prefix(), false, e.getMessage()));
      if (!e.onlyThisChange() && error == null) {
        error = e.getMessage();
      }
      return !e.onlyThisChange();
    }

    Outcome outcome() {
      return new Outcome(added, updated, removed, failed, error);
    }
  }

  private static long pace(long next, long gapNanos) {
    long now = System.nanoTime();
    if (gapNanos > 0 && next > now) {
      try {
        TimeUnit.NANOSECONDS.sleep(next - now);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return Math.max(now, next) + gapNanos;
  }
}
