package dev.detour.verdict;

import dev.detour.probe.ProbeKind;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * One probe package's say in a verdict: the block methods its evidence can show, the checks it runs
 * on an address's evidence from both vantages, whether by its evidence the target answers at all,
 * and what it says of a target that works. Pure functions of evidence, no I/O. Registered in {@code
 * META-INF/services/dev.detour.verdict.VerdictRule} ({@link VerdictRules}).
 */
public interface VerdictRule {

  /** The probe whose evidence it reads. */
  ProbeKind kind();

  /** The methods it can tell. */
  List<BlockMethod> methods();

  /** Its place among the rules for what a working target's verdict says (lowest first). */
  int order();

  /** Its checks of one address, each with its place in the chain of every rule's checks. */
  default List<Check> checks() {
    return List.of();
  }

  /** Whether, by its evidence, the target answers on this side at all. */
  default boolean answers(Sight.Side side) {
    return false;
  }

  /** What its evidence says of a target that works (ports open, echo answered, pages). */
  default void upReasons(Sight.Side side, List<String> out) {}

  /**
   * The verdict of a name from what a round saw of it (its answers here and from the control, and
   * what its addresses did); null when it has nothing to say, or when the probe is not about names.
   */
  default Verdict name(NameSight name) {
    return null;
  }

  /**
   * Whether what an address showed this round (here, and through the control vantage: null without
   * one) hints at what this rule's probe would tell, so that a probe run only every few rounds (a
   * transfer) runs the next one.
   */
  default boolean suspects(Observation here, Observation there) {
    return false;
  }

  /**
   * One check in the chain: a block (confirmed by the control, or without one a block's own
   * signature), a signature the control cannot confirm ({@link Verdicts#unconfirmed}: not a block,
   * its reasons kept as notes), or nothing.
   *
   * @param order its place in the chain: the most specific signature first
   */
  record Check(int order, Function<Sight, Optional<Verdict>> test) {}
}
