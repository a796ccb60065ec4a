package dev.detour.verdict;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The verdict of one address in one round, from what this host and the control vantage saw: every
 * rule's checks in their order, the first block found wins.
 *
 * <p>With a control vantage a target is blocked only when the control succeeds at the stage where
 * the local side fails; when both fail it is down, whatever signature the local side saw. Without
 * one (or while it is offline) only a block's own signature counts — an injected reset, a block
 * page, a SYN shape or SNI that is refused where another passes — and a plain timeout is down.
 */
public final class AddressVerdicts {

  private AddressVerdicts() {}

  /**
   * @param local what this host saw
   * @param control what the control vantage saw of the same address, or null without one
   * @param template the host's genuine packets from earlier clean rounds
   */
  public static Verdict judge(Observation local, Observation control, HostTemplate template) {
    return judge(local, control, template, Thresholds.DEFAULT);
  }

  /** {@link #judge(Observation, Observation, HostTemplate)} by the thresholds users set. */
  public static Verdict judge(
      Observation local, Observation control, HostTemplate template, Thresholds thresholds) {
    return judge(VerdictRules.all(), local, control, template, thresholds);
  }

  /** {@link #judge(Observation, Observation, HostTemplate)} with these rules only. */
  public static Verdict judge(
      List<VerdictRule> rules,
      Observation local,
      Observation control,
      HostTemplate template,
      Thresholds thresholds) {
    if (!local.ran()) {
      return Verdict.unknown("no probe could run here");
    }
    boolean withControl = control != null && control.ran();
    Sight sight = new Sight(local, withControl ? control : null, template, rules, thresholds);
    List<String> notes = new ArrayList<>();
    if (!withControl) {
      notes.add("no control vantage: only a block's own signature counts");
    }
    for (VerdictRule.Check check : chain(rules)) {
      Optional<Verdict> found = check.test().apply(sight);
      if (found.isEmpty()) {
        continue;
      }
      if (found.get().state() == WatchState.BLOCKED) {
        return Verdicts.withNotes(found.get(), notes);
      }
      // A signature the control cannot confirm: not a block; whether the target works decides.
      notes.addAll(found.get().reasons());
    }
    if (sight.worksHere()) {
      List<String> reasons = new ArrayList<>();
      rules.forEach(r -> r.upReasons(sight.here(), reasons));
      return Verdicts.withNotes(Verdict.up(reasons), notes);
    }
    return Verdicts.withNotes(
        Verdict.down(
            List.of(
                withControl
                    ? "nothing answers, here or from the control vantage"
                    : "nothing answers here")),
        notes);
  }

  private static List<VerdictRule.Check> chain(List<VerdictRule> rules) {
    return rules.stream()
        .flatMap(r -> r.checks().stream())
        .sorted(Comparator.comparingInt(VerdictRule.Check::order))
        .toList();
  }
}
