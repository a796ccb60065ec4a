package dev.detour.verdict;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Duration;

/**
 * How evidence becomes a state: hysteresis, rechecks and mass blocks ({@code detour.verdict.*}).
 */
@ConfigMapping(prefix = "detour.verdict")
public interface VerdictConfig {
  /** Rounds in a row that must agree before a watch becomes blocked or down. */
  @WithName("block-after")
  @WithDefault("3")
  @Min(1)
  @Max(100)
  int blockAfter();

  /** Good rounds in a row before a blocked or down watch is up again. */
  @WithName("clear-after")
  @WithDefault("2")
  @Min(1)
  @Max(100)
  int clearAfter();

  /**
   * A round that disagrees with a watch's state (the first of the rounds that may change it) is
   * followed by another of that watch this soon, not a whole interval later, until the state
   * changes or the rounds agree with it again: a block is declared seconds after its first bad
   * round. 0s, or anything not shorter than the group's interval, waits for the rounds.
   */
  @WithName("recheck-after")
  @WithDefault("5s")
  Duration recheckAfter();

  /** How many watches blocked the same way within the window make one mass-block incident. */
  @WithName("mass-block.min-watches")
  @WithDefault("10")
  @Min(2)
  int massBlockMinWatches();

  /** How close together those blocks must come. */
  @WithName("mass-block.window")
  @WithDefault("5m")
  Duration massBlockWindow();

  /** When a slow transfer here is throttling, not a slow site. */
  Throttle throttle();

  /** Both must hold: slower than this share of the control's speed, and than this rate. */
  interface Throttle {
    /** A transfer here slower than this share of the control's goodput (0.01 to 1). */
    @WithDefault("0.2")
    @DecimalMin("0.01")
    @DecimalMax("1")
    double ratio();

    /** … and slower than this many bits a second. */
    @WithName("max-rate")
    @WithDefault("1000000")
    @Min(1)
    long maxRate();
  }
}
