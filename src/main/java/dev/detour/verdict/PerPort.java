package dev.detour.verdict;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One method's signature, port by port: a port whose block the control confirms (or, without a
 * control, shows the signature) blocks the watch, whatever other ports do; a port that fails the
 * same way through the control is down for that port only, and tells only when no port is blocked —
 * then as a signature the control does not confirm ({@link Verdicts#unconfirmed}).
 */
public final class PerPort {

  private final List<String> confirmed = new ArrayList<>();
  private final List<String> unconfirmed = new ArrayList<>();
  private boolean timeoutsOnly = true;

  /**
   * A port showing the signature.
   *
   * @param ok the control confirms it (or there is no control to ask)
   * @param reasons the port's evidence in words, the control's included
   * @param timeouts whether it rests on timeouts alone
   */
  public void port(boolean ok, List<String> reasons, boolean timeouts) {
    if (ok) {
      confirmed.addAll(reasons);
      timeoutsOnly &= timeouts;
    } else {
      unconfirmed.addAll(reasons);
    }
  }

  /** The verdict of the ports seen: a block, a signature the control does not confirm, or none. */
  public Optional<Verdict> verdict(BlockMethod method, double confidence) {
    return verdict(method, confidence, confidence);
  }

  /**
   * As {@link #verdict(BlockMethod, double)}, sure as {@code confidence} when a confirmed port
   * shows more than timeouts, as {@code timeoutsConfidence} when they all rest on timeouts.
   */
  public Optional<Verdict> verdict(
      BlockMethod method, double confidence, double timeoutsConfidence) {
    if (!confirmed.isEmpty()) {
      List<String> reasons = new ArrayList<>(confirmed);
      if (!unconfirmed.isEmpty()) {
        reasons.add("other ports fail the same way through the control (not blocked there):");
        reasons.addAll(unconfirmed);
      }
      return Optional.of(
          Verdict.blocked(
              method, timeoutsOnly ? timeoutsConfidence : confidence, reasons, timeoutsOnly));
    }
    if (!unconfirmed.isEmpty()) {
      return Optional.of(
          Verdicts.unconfirmed(Verdict.blocked(method, confidence, unconfirmed, false)));
    }
    return Optional.empty();
  }
}
