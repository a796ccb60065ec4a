package dev.detour.verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * What every rule's verdicts share: how sure evidence of each kind is, and how a signature the
 * control vantage cannot confirm reads.
 */
public final class Verdicts {

  /** A block's signature here that the control vantage confirms. */
  public static final double CONFIRMED = 0.95;

  /** A failure here compared with success through the control (a timeout, a stall). */
  public static final double COMPARED = 0.85;

  /** A block's signature with no control vantage to compare with. */
  public static final double SIGNATURE_ONLY = 0.7;

  private Verdicts() {}

  /**
   * A block's signature found here that the control cannot confirm (it fails the same way): no
   * block — whether the target works here decides between up and down.
   */
  public static Verdict unconfirmed(Verdict v) {
    List<String> reasons = new ArrayList<>(v.reasons());
    reasons.add(
        "but the control vantage fails the same way: not a block ("
            + v.method().label()
            + " seen here)");
    return new Verdict(WatchState.DOWN, null, COMPARED, List.copyOf(reasons), false);
  }

  /** {@code v} with {@code notes} added to its reasons. */
  static Verdict withNotes(Verdict v, List<String> notes) {
    for (String note : notes) {
      v = v.because(note);
    }
    return v;
  }
}
