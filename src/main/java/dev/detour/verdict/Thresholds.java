package dev.detour.verdict;

/**
 * The numbers the rules judge by that users may tune ({@code detour.verdict.*}).
 *
 * @param throttleRatio a transfer slower than this share of the control's is throttled…
 * @param throttleMaxRate … when it is also slower than this (bits a second)
 */
public record Thresholds(double throttleRatio, long throttleMaxRate) {

  /** As configured by default. */
  public static final Thresholds DEFAULT = new Thresholds(0.2, 1_000_000);

  public static Thresholds of(VerdictConfig config) {
    return new Thresholds(config.throttle().ratio(), config.throttle().maxRate());
  }
}
