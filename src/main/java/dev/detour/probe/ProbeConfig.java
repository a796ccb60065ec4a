package dev.detour.probe;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** How probes probe ({@code detour.probe.*}), and the defaults of groups that set none. */
@ConfigMapping(prefix = "detour.probe")
public interface ProbeConfig {
  /** How often each watch is probed, unless its group says otherwise. */
  @WithDefault("60s")
  Duration interval();

  /** Probes that run on a watch whose group names none. */
  @WithDefault("icmp,tcp_syn,http,tls,dns,transfer,quic")
  @NotEmpty
  Set<ProbeKind> kinds();

  /**
   * Whether raw probes (ICMP, TCP SYN, trace) may run at all; without them TCP, HTTP, TLS and DNS
   * still probe over ordinary sockets.
   */
  @WithDefault("true")
  boolean raw();

  /** Raw packets per second, shared by every raw probe (ICMP, SYN, trace). */
  @WithName("packets-per-second")
  @WithDefault("200")
  @Min(1)
  int packetsPerSecond();

  /** How long a SYN waits for answers. */
  @WithName("syn-wait")
  @WithDefault("2s")
  Duration synWait();

  /**
   * How many times an unanswered SYN is sent (each waiting {@code syn-wait}): a lossy link loses a
   * packet now and then, a black hole loses them all.
   */
  @WithName("syn-tries")
  @WithDefault("2")
  @Min(1)
  @Max(5)
  int synTries();

  /** Echo requests per ICMP probe. */
  @WithName("icmp-count")
  @WithDefault("3")
  @Min(1)
  @Max(20)
  int icmpCount();

  /** Longest path the censor-location trace walks. */
  @WithName("trace-max-hops")
  @WithDefault("16")
  @Min(1)
  @Max(64)
  int traceMaxHops();

  /** Connect and read timeout of HTTP, TLS and DNS probes. */
  @WithDefault("5s")
  Duration timeout();

  /** The name a TLS probe sends as SNI to see whether the target's own name is what is reset. */
  @WithName("decoy-sni")
  @WithDefault("www.example.com")
  String decoySni();

  /** Hosts ISPs redirect blocked requests to (a redirect there is a block page). */
  @WithName("block-page.hosts")
  @WithDefault("warning.rt.ru,blocked.mts.ru,zapret.beeline.ru,block.dtln.ru,blocked.netbynet.ru")
  List<String> blockPageHosts();

  /** Phrases of block pages' bodies or titles (regular expressions, any case). */
  @WithName("block-page.fingerprints")
  @WithDefault("Доступ ограничен,доступ к ресурсу ограничен,blocked by order of")
  List<String> blockPageFingerprints();

  /** The transfer probe: a host's page fetched to see how it flows. */
  Transfer transfer();

  /** How much a transfer reads, how long it may take and how often it runs. */
  interface Transfer {
    /** The most bytes of a page read (1 KB to 8 MB): enough to see a freeze and to time a crawl. */
    @WithDefault("262144")
    @Min(1024)
    @Max(8388608)
    int bytes();

    /** The longest one transfer may take; a crawl still going then is timed as it is. */
    @WithName("max-time")
    @WithDefault("10s")
    Duration maxTime();

    /**
     * A host watch's transfer runs every this many rounds (and on every recheck, and every round
     * while the watch is suspect of a throttle or a freeze).
     */
    @WithDefault("10")
    @Min(1)
    @Max(10000)
    int every();
  }

  /** Resolvers the DNS probe asks besides this host's own (e.g. 9.9.9.9 to compare with). */
  @WithName("dns.resolvers")
  Optional<List<String>> dnsResolvers();

  /** Addresses that a DNS answer pointing to means a block page. */
  @WithName("block-page.addresses")
  Optional<Set<String>> blockPageAddresses();
}
