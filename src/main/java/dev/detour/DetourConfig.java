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
import java.util.Optional;
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

  Verdict verdict();

  Monitor monitor();

  Control control();

  Agent agent();

  Uplink uplink();

  /** Defaults a group falls back to when it does not set its own. */
  interface Probe {
    /** How often each watch is probed, unless its group says otherwise. */
    @WithDefault("60s")
    Duration interval();

    /** Probes that run on a watch whose group names none. */
    @WithDefault("icmp,tcp_syn,http,tls,dns")
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
     * How many times an unanswered SYN is sent (each waiting {@code syn-wait}): a lossy link loses
     * a packet now and then, a black hole loses them all.
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

    /** Resolvers the DNS probe asks besides this host's own (e.g. 9.9.9.9 to compare with). */
    @WithName("dns.resolvers")
    Optional<List<String>> dnsResolvers();

    /** Addresses that a DNS answer pointing to means a block page. */
    @WithName("block-page.addresses")
    Optional<Set<String>> blockPageAddresses();
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

  /** How evidence becomes a state: hysteresis and mass blocks. */
  interface Verdict {
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

    /** How many watches blocked the same way within the window make one mass-block incident. */
    @WithName("mass-block.min-watches")
    @WithDefault("10")
    @Min(2)
    int massBlockMinWatches();

    /** How close together those blocks must come. */
    @WithName("mass-block.window")
    @WithDefault("5m")
    Duration massBlockWindow();
  }

  /** The probing loop. */
  interface Monitor {
    /** Whether watches are probed continuously (off: only on-demand probes via the API). */
    @WithDefault("true")
    boolean enabled();

    /** Watches probed at the same time at most. */
    @WithDefault("64")
    @Min(1)
    @Max(4096)
    int concurrency();

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

  /** Where a block is confirmed: somewhere uncensored. */
  interface Control {
    /** {@code interface} (probe through the tunnel), {@code agent} (a Detour abroad) or none. */
    @WithDefault("none")
    ControlMode mode();

    /** The tunnel interface probed through in {@code interface} mode. */
    @WithName("interface")
    Optional<String> device();

    /** Base URL of the control agent in {@code agent} mode, e.g. https://vps.example:8443. */
    @WithName("agent-url")
    Optional<String> agentUrl();

    /** The agent's token ({@code detour.agent.token} on the agent). */
    @WithName("agent-token")
    Optional<String> agentToken();

    /** Resolvers asked through the tunnel in {@code interface} mode. */
    @WithName("dns-resolvers")
    @WithDefault("9.9.9.9,1.1.1.1")
    List<String> dnsResolvers();

    /** How long a request to the agent may take beyond the probes' own timeouts. */
    @WithName("agent-timeout")
    @WithDefault("30s")
    Duration agentTimeout();
  }

  /** The control mode. */
  enum ControlMode {
    NONE,
    INTERFACE,
    AGENT
  }

  /** This Detour as a control agent for another, abroad. */
  interface Agent {
    @WithDefault("false")
    boolean enabled();

    /** The bearer token clients must send; required when the agent is enabled. */
    Optional<String> token();

    /** Probe requests per second the agent accepts (more get 429). */
    @WithName("rate-limit")
    @WithDefault("200")
    @Min(1)
    int rateLimit();

    /** Probe requests the agent runs at the same time at most. */
    @WithName("max-concurrent")
    @WithDefault("64")
    @Min(1)
    int maxConcurrent();

    /**
     * Prefixes the agent probes even though they are private or reserved (it refuses those
     * otherwise, so it is never a way into its own network).
     */
    @WithName("allow")
    Optional<List<String>> allow();
  }

  /** The check that this host's own uplink works before anyone is blamed. */
  interface Uplink {
    /**
     * Addresses that answer ping when the uplink works (e.g. the ISP's gateway and a resolver);
     * empty: the default gateway.
     */
    Optional<List<String>> anchors();

    /** How long an uplink check result is reused. */
    @WithName("check-every")
    @WithDefault("5s")
    Duration checkEvery();
  }
}
