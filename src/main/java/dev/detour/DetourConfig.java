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
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Typed {@code detour.*} configuration; every key is listed in docs/configuration.md. */
@ConfigMapping(prefix = "detour")
public interface DetourConfig {

  /** Directory of the embedded database and other files Detour keeps. */
  @WithName("data-dir")
  @WithDefault("./data")
  Path dataDir();

  Node node();

  Probe probe();

  Watch watch();

  @WithName("import")
  Import imports();

  Verdict verdict();

  Monitor monitor();

  Control control();

  Agent agent();

  Uplink uplink();

  Routes routes();

  /** The routers blocked prefixes are pushed to, by a name of the user's choice. */
  Map<String, Router> routers();

  /** Messages about blocks, clears and outages, and where they go. */
  Alerts alerts();

  /**
   * The password of the {@code admin} account ({@code DETOUR_ADMIN_PASSWORD}); set at every start
   * when given. Unset on a first start, Detour generates one and prints it once.
   */
  @WithName("admin-password")
  Optional<String> adminPassword();

  Auth auth();

  /** This node of a cluster (or the only one). */
  interface Node {
    /**
     * This node's name, unique among the nodes sharing a database; unset, a name is made on the
     * first start and kept in the data directory (dev.detour.cluster.NodeName, which checks it).
     */
    Optional<String> id();
  }

  /** Logins, browser sessions and API tokens. */
  interface Auth {
    /** A browser session ends after this long without a request. */
    @WithName("session-idle")
    @WithDefault("12h")
    Duration sessionIdle();

    /** A browser session ends this long after login, however busy. */
    @WithName("session-max-age")
    @WithDefault("7d")
    Duration sessionMaxAge();

    /** Failed logins allowed per client address and minute (form and HTTP Basic alike). */
    @WithName("login-failures-per-minute")
    @WithDefault("10")
    @Min(1)
    int loginFailuresPerMinute();
  }

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

    /**
     * Watches that get per-watch series at most; past it, only watches that are not up keep theirs
     * (up to this many).
     */
    @WithName("watch-series-max")
    @WithDefault("20000")
    @Min(0)
    int watchSeriesMax();

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

  /** How blocked watches become routes, and the guard rails around that. */
  interface Routes {
    /** Whether routes are pushed at all (off: plans are still made and shown). */
    @WithDefault("true")
    boolean enabled();

    /** Plan and show every change, make none (also switchable at run time through the API). */
    @WithName("dry-run")
    @WithDefault("false")
    boolean dryRun();

    /** How often routers are reconciled even when nothing changed (a user may edit by hand). */
    @WithName("sync-every")
    @WithDefault("60s")
    Duration syncEvery();

    /** How long a route stays after its watch cleared, unless its group says otherwise. */
    @WithName("withdraw-grace")
    @WithDefault("10m")
    Duration withdrawGrace();

    /** Shortest IPv4 route ever pushed: aggregation stops there. */
    @WithName("min-prefix-ipv4")
    @WithDefault("8")
    @Min(1)
    @Max(32)
    int minPrefixIpv4();

    /** Shortest IPv6 route ever pushed. */
    @WithName("min-prefix-ipv6")
    @WithDefault("19")
    @Min(1)
    @Max(128)
    int minPrefixIpv6();

    /** The tunnel's far end(s) as this host sees them: never routed into the tunnel itself. */
    @WithName("tunnel-endpoints")
    Optional<List<String>> tunnelEndpoints();

    /** The router's WAN address(es): never routed. */
    @WithName("wan-addresses")
    Optional<List<String>> wanAddresses();

    /** More prefixes never routed, besides those added through the API. */
    Optional<List<String>> exclusions();

    /** Prefixes always routed (unless a guard rail forbids it), besides those of the API. */
    Optional<List<String>> pins();

    /**
     * Reserved ranges that may be routed after all (they are fenced as bogons otherwise), e.g. a
     * lab's 203.0.113.0/24.
     */
    @WithName("allow-reserved")
    Optional<List<String>> allowReserved();

    /**
     * Whether a block must have been confirmed through the tunnel (by a control vantage) before it
     * is routed, and the target checked again through it after.
     */
    @WithDefault("true")
    boolean verify();
  }

  /** One router: how to reach it and where its routes go. */
  interface Router {
    /** {@code mikrotik-rest} (RouterOS 7), {@code mikrotik-api} (RouterOS 6) or {@code linux}. */
    RouterType type();

    /** REST base URL, e.g. https://192.168.88.1 (mikrotik-rest). */
    Optional<String> url();

    /** API host (mikrotik-api). */
    Optional<String> host();

    /** API port: 8728, or 8729 with TLS (mikrotik-api). */
    Optional<Integer> port();

    /** TLS on the API protocol (port 8729); REST follows its URL's scheme. */
    @WithDefault("false")
    boolean tls();

    /** PEM file of the CA (or self-signed certificate) the router's certificate must chain to. */
    @WithName("ca-file")
    Optional<Path> caFile();

    /** SHA-256 of the router's certificate (hex, colons allowed): only that one is accepted. */
    @WithName("certificate-sha256")
    Optional<String> certificateSha256();

    Optional<String> username();

    /** The password; better kept in {@code password-file}. Never logged or shown. */
    Optional<String> password();

    /** A file holding the password (first line), e.g. a mounted secret. */
    @WithName("password-file")
    Optional<Path> passwordFile();

    /** The tunnel interface routes go through, e.g. gre-tunnel1 or the Linux device. */
    String gateway();

    /** The routes' distance (RouterOS) or metric (Linux). */
    @WithDefault("1")
    @Min(0)
    @Max(255)
    int distance();

    /**
     * The routing table: RouterOS's {@code main} by default; on Linux a table of Detour's own
     * ({@code 1001}), looked up by forwarded traffic only, so Detour's own probes still take the
     * direct path.
     */
    @WithName("routing-table")
    Optional<String> routingTable();

    /** Comment every entry Detour makes starts with; entries without it are never touched. */
    @WithName("comment-prefix")
    @WithDefault("detour")
    String commentPrefix();

    /** The most routes Detour keeps on this router: aggregation fits the plan into it. */
    @WithName("max-routes")
    @WithDefault("5000")
    @Min(1)
    @Max(1000000)
    int maxRoutes();

    /** {@code routes} (plain routes) or {@code address-list} (entries a mangle rule marks). */
    @WithDefault("routes")
    RouterMode mode();

    /** The address list of {@code address-list} mode. */
    @WithName("address-list")
    @WithDefault("detour")
    String addressList();

    /** How long one request may take. */
    @WithDefault("10s")
    Duration timeout();

    /** Changes sent per second at most: a small router survives a big sync. */
    @WithName("changes-per-second")
    @WithDefault("50")
    @Min(1)
    int changesPerSecond();

    /**
     * Linux: the ip rule Detour keeps for its table ({@code not iif lo}: forwarded traffic only);
     * {@code none} to manage no rule.
     */
    @WithName("linux-rule")
    @WithDefault("not iif lo")
    String linuxRule();

    /** Linux: the routes' protocol number, which marks them as Detour's. */
    @WithName("linux-protocol")
    @WithDefault("211")
    @Min(1)
    @Max(255)
    int linuxProtocol();
  }

  /** Router backends. */
  enum RouterType {
    MIKROTIK_REST,
    MIKROTIK_API,
    LINUX
  }

  /** What Detour writes on a router. */
  enum RouterMode {
    ROUTES,
    ADDRESS_LIST
  }

  /** Alerting: the rules every channel shares, and the channels by a name of the user's choice. */
  interface Alerts {
    /** Off: nothing is sent (incidents are still recorded and shown). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a change waits before it is told, so that blocks arriving together become one
     * mass-block message and a block cleared again at once tells nothing.
     */
    @WithName("group-wait")
    @WithDefault("30s")
    Duration groupWait();

    /** A message repeats this often while what it tells holds (0 never repeats). */
    @WithName("resend-every")
    @WithDefault("4h")
    Duration resendEvery();

    /** Tries of one message before it is given up and shown as failed. */
    @WithName("max-attempts")
    @WithDefault("10")
    @Min(1)
    @Max(100)
    int maxAttempts();

    /** The wait after the first failed try; it doubles with every further one. */
    @WithName("retry-base")
    @WithDefault("10s")
    Duration retryBase();

    /** The longest wait between two tries. */
    @WithName("retry-max")
    @WithDefault("30m")
    Duration retryMax();

    /** How long one delivery may take. */
    @WithDefault("10s")
    Duration timeout();

    /** Detour's own address as users reach it, for links in messages (e.g. https://detour.lan). */
    @WithName("base-url")
    Optional<String> baseUrl();

    /** Message templates (Qute) by kind, replacing the built-in text: blocked, cleared, … */
    Map<String, String> templates();

    Map<String, AlertChannel> channels();
  }

  /** One place messages go. */
  interface AlertChannel {
    /** webhook, telegram, slack, ntfy, email or alertmanager. */
    AlertChannelType type();

    /**
     * Where to send: the webhook or Slack URL, ntfy's server, Alertmanager's base URL, Telegram's
     * API base (default https://api.telegram.org, which may itself be blocked: point it at a relay,
     * or route it through the tunnel).
     */
    Optional<String> url();

    /** Webhook: the HMAC-SHA256 key that signs each body; better kept in {@code secret-file}. */
    Optional<String> secret();

    @WithName("secret-file")
    Optional<Path> secretFile();

    /** Telegram's bot token, or ntfy's or Alertmanager's bearer token. */
    Optional<String> token();

    @WithName("token-file")
    Optional<Path> tokenFile();

    /** Telegram: the chat the bot writes to. */
    @WithName("chat-id")
    Optional<String> chatId();

    /** ntfy: the topic. */
    Optional<String> topic();

    /** E-mail: the recipients. */
    Optional<List<String>> to();

    /** Only these groups' watches (every group when unset); outages concern every channel. */
    Optional<List<String>> groups();

    /** Only these kinds of message (every kind when unset). */
    Optional<List<String>> events();

    /** Held during these hours and sent after, e.g. 23:00-07:30. */
    @WithName("quiet-hours")
    Optional<String> quietHours();

    /** The time zone of the quiet hours (the system's when unset), e.g. Europe/Moscow. */
    @WithName("time-zone")
    Optional<String> timeZone();

    /** This channel's own resend interval (Alertmanager's default is 1m: it expires alerts). */
    @WithName("resend-every")
    Optional<Duration> resendEvery();
  }

  /** Kinds of alert channel. */
  enum AlertChannelType {
    WEBHOOK,
    TELEGRAM,
    SLACK,
    NTFY,
    EMAIL,
    ALERTMANAGER
  }
}
