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

  /** When many watches blocked at once are the ISP's allowlist mode rather than many blocks. */
  Allowlist allowlist();

  /**
   * Allowlist mode: within {@code window}, at least {@code min-share} of the watches that were up
   * turned blocked, at least {@code min-watches} of them, across two groups or more, while the
   * canaries (hosts the ISP keeps reachable) answer here and the control works.
   */
  interface Allowlist {
    /** The share (0.1 to 1) of the watches up before that must turn blocked together. */
    @WithName("min-share")
    @WithDefault("0.8")
    @DecimalMin("0.1")
    @DecimalMax("1")
    double minShare();

    /** At least this many watches. */
    @WithName("min-watches")
    @WithDefault("5")
    @Min(2)
    int minWatches();

    /** How close together their blocks must come. */
    @WithDefault("10m")
    Duration window();

    /**
     * Hosts (name or address, with {@code :port}; 443 when omitted) the ISP keeps reachable in
     * allowlist mode: its own site, large domestic ones. At least half must answer here. {@code
     * none} turns the detection off.
     */
    @WithDefault("ya.ru,vk.com,gosuslugi.ru")
    java.util.List<String> canaries();
  }

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
