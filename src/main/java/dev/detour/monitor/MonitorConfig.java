package dev.detour.monitor;

import dev.detour.probe.ProbeKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.util.Set;

/** The probing loop ({@code detour.monitor.*}). */
@ConfigMapping(prefix = "detour.monitor")
public interface MonitorConfig {
  /** Whether watches are probed continuously (off: only on-demand probes via the API). */
  @WithDefault("true")
  boolean enabled();

  /**
   * Days of history kept per watch: every round for the last day or two, then five-minute buckets
   * (docs/ui.md "History").
   */
  @WithName("history-days")
  @WithDefault("30")
  @Min(1)
  @Max(400)
  int historyDays();

  /** Watches probed at the same time at most. */
  @WithDefault("64")
  @Min(1)
  @Max(4096)
  int concurrency();

  /**
   * Watches that get per-watch series at most; past it, only watches that are not up keep theirs
   * (up to this many).
   */
  @WithName("watch-series-max")
  @WithDefault("20000")
  @Min(0)
  int watchSeriesMax();

  /**
   * The address families watches are probed over unless their group says: {@code both} (a name's A
   * and AAAA addresses), {@code v4} or {@code v6}.
   */
  @WithDefault("both")
  @jakarta.validation.constraints.Pattern(
      regexp = "(?i)both|v4|v6",
      message = "must be both, v4 or v6")
  String families();

  /** Addresses of one host name probed each round at most. */
  @WithName("max-addresses")
  @WithDefault("4")
  @Min(1)
  @Max(64)
  int maxAddresses();

  /** Addresses probed in each /24 of a prefix watch per round. */
  @WithName("prefix.samples-per-24")
  @WithDefault("1")
  @Min(1)
  @Max(16)
  int prefixSamplesPer24();

  /** The most /24s of one prefix watch probed per round; the others wait for later rounds. */
  @WithName("prefix.max-blocks")
  @WithDefault("256")
  @Min(1)
  @Max(65536)
  int prefixMaxBlocks();

  /** Probes of a prefix watch that names none (a prefix has no name for HTTP, TLS or DNS). */
  @WithName("prefix.probes")
  @WithDefault("icmp,tcp_syn")
  @NotEmpty
  Set<ProbeKind> prefixProbes();
}
