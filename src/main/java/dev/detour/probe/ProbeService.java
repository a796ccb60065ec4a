package dev.detour.probe;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.metrics.Metrics;
import dev.detour.probe.packet.PacketBudget;
import dev.detour.probe.packet.ProbeClock;
import dev.detour.probe.packet.RawPacketAccess;
import dev.detour.probe.packet.Route;
import dev.detour.system.SystemConfig;
import dev.detour.targets.InvalidTargetException;
import dev.detour.targets.ParsedTarget;
import dev.detour.targets.TargetKind;
import dev.detour.targets.TargetParser;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Runs probes on a target now: resolves it, picks the vantage (this host, or an interface such as
 * the tunnel), runs each probe kind that can run here, keeps its pcap files and meters it. Probes
 * that cannot run say why instead of failing the others.
 */
@ApplicationScoped
public class ProbeService {

  private static final Logger LOG = Logger.getLogger(ProbeService.class);
  private static final Pattern RUN_ID = Pattern.compile("[0-9a-f]{8,40}");
  private static final Pattern CAPTURE = Pattern.compile("[a-z0-9-]{1,40}\\.pcap");

  /** Histogram buckets: a few per decade keeps the series per probe kind small. */
  private static final Duration[] BUCKETS =
      Stream.of(1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000)
          .map(Duration::ofMillis)
          .toArray(Duration[]::new);

  private final Probes probes;
  private final TargetParser parser;
  private final RawPacketAccess access;
  private final ProbeConfig config;
  private final Path dataDir;
  private final MeterRegistry meters;

  public ProbeService(
      Probes probes,
      TargetParser parser,
      RawPacketAccess access,
      ProbeConfig config,
      SystemConfig system,
      MeterRegistry meters) {
    this.probes = probes;
    this.parser = parser;
    this.access = access;
    this.config = config;
    this.dataDir = system.dataDir();
    this.meters = meters;
  }

  void onStart(@Observes StartupEvent event) {
    PacketBudget.configure(config.packetsPerSecond());
    probes.checkConfigured("detour.probe.kinds", config.kinds());
  }

  /** One probing of one target: what was asked and each probe's result. */
  public record Run(
      String id,
      String target,
      String address,
      String name,
      String device,
      Instant at,
      List<ProbeResult> results) {

    /** This run with the results of {@code again}'s kinds taken from {@code again}. */
    public Run replacing(Run again) {
      Set<ProbeKind> redone = new HashSet<>();
      again.results().forEach(r -> redone.add(r.probe()));
      List<ProbeResult> merged = new ArrayList<>(again.results());
      results.stream().filter(r -> !redone.contains(r.probe())).forEach(merged::add);
      return new Run(id, target, address, name, device, again.at(), List.copyOf(merged));
    }
  }

  /** A target to probe now: its address, and its name when it is a host. */
  public record Resolved(String target, String name, InetAddress address) {}

  /**
   * Reads and resolves a target typed by a person (a host, an address, a URL): refused with what to
   * fix when it is not one, is a prefix, or does not resolve.
   */
  public Resolved resolve(String target) {
    ParsedTarget parsed;
    try {
      parsed = parser.parse(target);
    } catch (InvalidTargetException e) {
      throw ProblemException.invalidField("Invalid probe", "target", e.getMessage());
    }
    if (parsed.target().kind() == TargetKind.PREFIX) {
      throw ProblemException.invalidField(
          "Invalid probe",
          "target",
          parsed.target().value() + " is a prefix: probe one address inside it");
    }
    String name = parsed.target().kind() == TargetKind.HOST ? parsed.target().value() : null;
    return new Resolved(parsed.target().value(), name, resolve(parsed.target().value(), name));
  }

  public Run run(String target, Set<ProbeKind> kinds, List<Integer> ports, String device) {
    Resolved r = resolve(target);
    InetAddress address = r.address();
    String name = r.name();
    try {
      return await(start(target, address, name, ports, kinds, device, true));
    } catch (IOException e) {
      throw ProblemException.invalidField(
          "Invalid probe",
          "device",
          "cannot probe "
              + address.getHostAddress()
              + " through '"
              + device
              + "': "
              + e.getMessage());
    }
  }

  /**
   * Probes one address now with every kind at once (the monitor's and the control's entry): raw
   * probes wait on timers, the others on probe threads, so the caller does not wait ({@link #await}
   * does). Fails with an IOException when {@code device} has no route to the address.
   *
   * @param name the host name for Host, SNI and DNS, or null
   * @param device the interface to leave by (the tunnel), or null for the kernel's choice
   * @param keepCaptures whether raw probes write pcap files (under the run's id)
   */
  public CompletableFuture<Run> start(
      String target,
      InetAddress address,
      String name,
      List<Integer> ports,
      Set<ProbeKind> kinds,
      String device,
      boolean keepCaptures) {
    return start(target, address, name, ports, kinds, device, keepCaptures ? newId() : null);
  }

  /** A new run's id: where its pcap files go. */
  public static String newId() {
    return Long.toHexString(System.currentTimeMillis())
        + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
  }

  /**
   * As above, the pcap files kept under {@code id} (null: none kept): the kinds of one run started
   * a kind at a time (the ISP check, which shows each as it ends) share one run's files.
   */
  public CompletableFuture<Run> start(
      String target,
      InetAddress address,
      String name,
      List<Integer> ports,
      Set<ProbeKind> kinds,
      String device,
      String id) {
    boolean keepCaptures = id != null;
    InetAddress source;
    try {
      source =
          device == null ? null : InetAddress.getByName(Route.lookup(address, device).source());
    } catch (IOException e) {
      return CompletableFuture.failedFuture(e);
    }
    Path captures = keepCaptures ? captures().resolve(id) : null;
    ProbeRequest request = new ProbeRequest(target, address, name, ports, device, source, captures);
    Set<ProbeKind> wanted = new HashSet<>(kinds);
    // A probe that cannot run here may have another that tells roughly the same (without raw
    // packets, a plain connect() still tells open, closed and silent apart).
    for (ProbeKind kind : kinds) {
      probes
          .get(kind)
          .filter(p -> unavailable(p, request) != null)
          .flatMap(Probe::fallback)
          .ifPresent(wanted::add);
    }
    List<CompletableFuture<ProbeResult>> results = new ArrayList<>();
    for (ProbeKind kind : probes.ordered(wanted)) {
      Probe<?> probe = probes.get(kind).orElse(null);
      results.add(
          probe != null
              ? start(probe, request)
              : CompletableFuture.completedFuture(
                  new ProbeResult(
                      kind,
                      ProbeResult.Status.UNAVAILABLE,
                      "no probe " + kind + " here; the probes are " + probes.labels(),
                      0,
                      null,
                      null)));
    }
    return CompletableFuture.allOf(results.toArray(CompletableFuture[]::new))
        .thenApply(
            done ->
                new Run(
                    keepCaptures ? id : null,
                    target,
                    dev.detour.probe.packet.PacketView.text(address),
                    name,
                    device,
                    Instant.now(),
                    results.stream().map(CompletableFuture::join).toList()));
  }

  /** The run, once it is over. */
  public static Run await(CompletableFuture<Run> run) throws IOException {
    return ProbeClock.await(run);
  }

  private CompletableFuture<ProbeResult> start(Probe<?> probe, ProbeRequest request) {
    String unavailable = unavailable(probe, request);
    if (unavailable != null) {
      count(probe.kind(), ProbeResult.Status.UNAVAILABLE);
      return CompletableFuture.completedFuture(
          new ProbeResult(
              probe.kind(), ProbeResult.Status.UNAVAILABLE, unavailable, 0, null, null));
    }
    long start = System.nanoTime();
    Timer.Sample sample = Timer.start(meters);
    boolean keeps = probe.raw() && request.captures() != null;
    CompletableFuture<? extends Evidence> running;
    Set<String> before;
    try {
      if (keeps) {
        Files.createDirectories(request.captures());
      }
      before = keeps ? Set.copyOf(files(request.captures())) : Set.of();
      running = probe.start(request);
    } catch (IOException | RuntimeException e) {
      before = Set.of();
      running = CompletableFuture.failedFuture(e);
    }
    Set<String> earlier = before;
    return running.handle(
        (evidence, error) -> {
          Throwable e = error instanceof CompletionException c ? c.getCause() : error;
          List<String> captures = null;
          if (e == null && keeps) {
            try {
              captures =
                  files(request.captures()).stream().filter(f -> !earlier.contains(f)).toList();
            } catch (IOException io) {
              e = io;
            }
          }
          sample.stop(timer(probe.kind()));
          long millis = (System.nanoTime() - start) / 1_000_000;
          if (e == null) {
            count(probe.kind(), ProbeResult.Status.OK);
            return new ProbeResult(
                probe.kind(), ProbeResult.Status.OK, null, millis, evidence, captures);
          }
          count(probe.kind(), ProbeResult.Status.FAILED);
          LOG.debugf(e, "%s probe of %s failed", probe.kind().label(), request.target());
          return new ProbeResult(
              probe.kind(), ProbeResult.Status.FAILED, e.getMessage(), millis, null, null);
        });
  }

  private String unavailable(Probe<?> probe, ProbeRequest request) {
    String own = probe.unavailable(request);
    if (own != null || !probe.raw()) {
      return own;
    }
    if (!config.raw()) {
      return "raw probes are switched off (detour.probe.raw=false)";
    }
    RawPacketAccess.Status status = access.status();
    if (!status.canProbe()) {
      return "unavailable: needs CAP_NET_RAW and libpcap — " + String.join("; ", status.problems());
    }
    return null;
  }

  /** The pcap files a probe run left: what a raw probe wrote is what is new after it ran. */
  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private Timer timer(ProbeKind kind) {
    return Timer.builder(Metrics.PROBE_DURATION)
        .description("How long one probe took")
        .tag("probe", kind.label())
        .serviceLevelObjectives(BUCKETS)
        .register(meters);
  }

  private void count(ProbeKind kind, ProbeResult.Status status) {
    meters.counter(Metrics.PROBES, "probe", kind.label(), "outcome", status.label()).increment();
  }

  private static InetAddress resolve(String value, String name) {
    try {
      if (name == null) {
        return InetAddress.getByName(value);
      }
      InetAddress[] all = InetAddress.getAllByName(name);
      for (InetAddress a : all) {
        if (a instanceof Inet4Address) {
          return a;
        }
      }
      return all[0];
    } catch (UnknownHostException e) {
      throw ProblemException.invalid(
          "Invalid probe",
          List.of(FieldError.field("target", "cannot resolve " + value + ": " + e.getMessage())));
    }
  }

  Path captures() {
    return dataDir.resolve("captures");
  }

  /** A pcap file of an earlier run, or a 404. */
  public Path capture(String id, String file) {
    if (!RUN_ID.matcher(id).matches() || !CAPTURE.matcher(file).matches()) {
      throw ProblemException.notFound("no capture " + id + "/" + file);
    }
    Path path = captures().resolve(id).resolve(file);
    if (!Files.isRegularFile(path)) {
      throw ProblemException.notFound("no capture " + id + "/" + file);
    }
    return path;
  }
}
