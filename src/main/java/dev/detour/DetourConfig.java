package dev.detour;

import dev.detour.probe.ProbeKind;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Typed {@code detour.*} configuration; every key is listed in docs/configuration.md. */
@ConfigMapping(prefix = "detour")
public interface DetourConfig {

  /** Directory of the embedded database and other files Detour keeps. */
  @WithName("data-dir")
  @WithDefault("./data")
  Path dataDir();

  Probe probe();

  Watch watch();

  @WithName("import")
  Import imports();

  /** Defaults a group falls back to when it does not set its own. */
  interface Probe {
    /** How often each watch is probed, unless its group says otherwise. */
    @WithDefault("60s")
    Duration interval();

    /** Probes that run on a watch whose group names none. */
    @WithDefault("icmp,tcp_syn,http,tls,dns")
    @NotEmpty
    Set<ProbeKind> kinds();
  }

  interface Watch {
    /** Ports probed on a new watch that names none. */
    @WithDefault("80,443")
    @NotEmpty
    List<@Min(1) @Max(65535) Integer> ports();

    /**
     * Shortest IPv4 prefix a watch may cover: a /0 or /4 watch is a typo or an attack on the
     * router, never a censored site.
     */
    @WithName("min-prefix-ipv4")
    @WithDefault("8")
    @Min(0)
    @Max(32)
    int minPrefixIpv4();

    /** Shortest IPv6 prefix a watch may cover. */
    @WithName("min-prefix-ipv6")
    @WithDefault("16")
    @Min(0)
    @Max(128)
    int minPrefixIpv6();
  }

  interface Import {
    /** Largest import body accepted; larger ones get 413 before anything is stored. */
    @WithName("max-bytes")
    @WithDefault("134217728")
    @Min(1)
    long maxBytes();

    /** How many bad lines an import failure lists one by one (the total is always given). */
    @WithName("max-reported-errors")
    @WithDefault("10000")
    @Min(1)
    int maxReportedErrors();
  }
}
