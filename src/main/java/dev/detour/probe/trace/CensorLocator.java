package dev.detour.probe.trace;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.Scope;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.KernelGuard;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.ProbePorts;
import dev.detour.probe.packet.RawChannel;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SynShape;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds the censor on the path, as the seed's author did with {@code traceroute -T}: the offending
 * SYN is sent again with TTL 1..n, each from its own source port so that the TTL can be read back
 * from any answer — from the port a reset or SYN-ACK is addressed to, or from the SYN quoted in a
 * time-exceeded.
 */
@Singleton
public final class CensorLocator implements Probe<CensorTraces> {

  public static final ProbeKind KIND = ProbeKind.of("trace");

  private final int maxHops;

  /** A request trace's longest run, however many hops are left. */
  static final Duration REQUEST_TRACE_CAP = Duration.ofSeconds(10);

  private final Duration spacing;
  private final Duration wait;

  private final KernelGuard guard;

  /** A locator for SYNs and requests; request traces from {@link #run} need the guard. */
  public CensorLocator(int maxHops, Duration spacing, Duration wait) {
    this(maxHops, spacing, wait, null);
  }

  private CensorLocator(int maxHops, Duration spacing, Duration wait, KernelGuard guard) {
    this.maxHops = maxHops;
    this.spacing = spacing;
    this.wait = wait;
    this.guard = guard;
  }

  @Inject
  public CensorLocator(ProbeConfig config, KernelGuard guard) {
    this(config.traceMaxHops(), Duration.ofMillis(20), config.synWait(), guard);
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 70;
  }

  /** Run to locate a censor once a block is declared, or on demand; never in a round. */
  @Override
  public Scope scope() {
    return Scope.ON_DEMAND;
  }

  @Override
  public Rendering render(CensorTraces e) {
    List<Rendering.Line> lines = new ArrayList<>();
    for (CensorLocation t : e.traces()) {
      lines.add(
          Rendering.Line.plain(
              "# " + t.offending() + " to port " + t.port() + ": censor at hop " + t.censorHop()));
      for (TraceHop h : t.hops()) {
        lines.add(new Rendering.Line(hop(h), h.reset() ? "bad" : ""));
      }
    }
    return new Rendering(e.traces().size() + " traces", lines);
  }

  /** One TTL of a trace in a line: "ttl 3: 198.51.100.5 · R". */
  public static String hop(TraceHop h) {
    StringBuilder s =
        new StringBuilder("ttl ")
            .append(h.ttl())
            .append(": ")
            .append(h.router() == null ? "*" : h.router());
    for (PacketView p : h.answers()) {
      s.append(" · ").append(p.tcp() == null ? "?" : p.tcp().flags());
    }
    return s.toString();
  }

  @Override
  public Class<CensorTraces> evidenceType() {
    return CensorTraces.class;
  }

  @Override
  public boolean raw() {
    return true;
  }

  /**
   * Traces the first port with a browser-like SYN, the shape censors have been seen to reset; and
   * where the watch has port 80 or 443, the HTTP request or the ClientHello for its name — when the
   * kernel is kept from resetting raw handshakes ({@link KernelGuard}).
   */
  @Override
  public CensorTraces run(ProbeRequest request) throws IOException {
    InetAddress target = request.address();
    List<CensorLocation> traces = new ArrayList<>();
    traces.add(
        locate(
            target,
            request.ports().get(0),
            SynShape.LINUX,
            request.device(),
            request.capture("trace-syn.pcap")));
    String name = request.name() != null ? request.name() : PacketView.text(target);
    if (guard != null && guard.installed()) {
      if (request.ports().contains(80)) {
        locateRequestIfOpen(
            traces,
            target,
            80,
            "http-request",
            OffendingRequests.httpGet(name, "/"),
            request.device(),
            request.capture("trace-http.pcap"));
      }
      if (request.ports().contains(443)) {
        locateRequestIfOpen(
            traces,
            target,
            443,
            "client-hello",
            OffendingRequests.clientHello(name),
            request.device(),
            request.capture("trace-tls.pcap"));
      }
    }
    return new CensorTraces(List.copyOf(traces));
  }

  /**
   * Adds the request's trace when the port completes a handshake; one that does not (its SYNs are
   * what the censor stops) leaves the SYN trace to tell where.
   */
  private void locateRequestIfOpen(
      List<CensorLocation> traces,
      InetAddress target,
      int port,
      String offending,
      byte[] payload,
      String device,
      Path pcap)
      throws IOException {
    try {
      traces.add(locateRequest(target, port, offending, payload, device, pcap));
    } catch (NoHandshakeException e) {
      // Nothing to add: the SYN trace above covers a port that never opens.
    }
  }

  /** A request trace found no TTL at which the handshake completed. */
  static final class NoHandshakeException extends IOException {
    NoHandshakeException(String message) {
      super(message);
    }
  }

  public CensorLocation locate(
      InetAddress target, int port, SynShape shape, String device, Path pcap) throws IOException {
    Route route = Route.lookup(target, device);
    // TTL t leaves from base + t: the answer's port says which TTL drew it.
    int base = firstPort();
    String filter = filter(target, port, base);
    try (RawChannel channel = RawChannel.open(route, filter)) {
      InetAddress source = channel.source();
      long seq = ThreadLocalRandom.current().nextLong(1, 1L << 32);
      List<PacketView> seen = new ArrayList<>();
      for (int ttl = 1; ttl <= maxHops; ttl++) {
        channel.send(Frames.syn(source, target, base + ttl, port, seq, shape, ttl));
        seen.addAll(channel.capture(System.nanoTime() + spacing.toNanos(), got -> false));
      }
      seen.addAll(channel.capture(System.nanoTime() + wait.toNanos(), got -> false));
      List<TraceHop> hops = hops(seen, PacketView.text(target), base, maxHops);
      for (TraceHop hop : hops) {
        if (hop.synAck()) {
          channel.send(Frames.rst(source, target, base + hop.ttl(), port, seq + 1));
        }
      }
      if (pcap != null) {
        channel.writePcap(pcap);
      }
      return summarise(PacketView.text(target), port, "syn-" + shape.label(), hops);
    }
  }

  private int firstPort() {
    return ProbePorts.FIRST + ThreadLocalRandom.current().nextInt(ProbePorts.COUNT - maxHops - 1);
  }

  /** Answers from the target to any of the trace's ports, and every time-exceeded. */
  private String filter(InetAddress target, int port, int base) {
    return "(tcp and src host "
        + PacketView.text(target)
        + " and src port "
        + port
        + " and dst portrange "
        + (base + 1)
        + "-"
        + (base + maxHops)
        + ") or (icmp and (icmp[0] == 11 or icmp[0] == 3))"
        + " or (icmp6 and (ip6[40] == 3 or ip6[40] == 1))";
  }

  /** Sorts what came back by the TTL that drew it: TTL t left from source port base + t. */
  static List<TraceHop> hops(List<PacketView> seen, String target, int base, int maxHops) {
    List<TraceHop> hops = new ArrayList<>();
    for (int ttl = 1; ttl <= maxHops; ttl++) {
      int sourcePort = base + ttl;
      String router = null;
      List<PacketView> answers = new ArrayList<>();
      for (PacketView p : seen) {
        if (p.tcp() != null
            && p.source().equals(target)
            && p.tcp().destinationPort() == sourcePort) {
          answers.add(p);
        } else if (p.icmp() != null
            && p.timeExceeded()
            && p.quoted() != null
            && p.quoted().tcp() != null
            && p.quoted().tcp().sourcePort() == sourcePort
            && p.quoted().destination().equals(target)) {
          router = p.source();
        }
      }
      hops.add(new TraceHop(ttl, router, List.copyOf(answers)));
    }
    return hops;
  }

  static CensorLocation summarise(String target, int port, String offending, List<TraceHop> hops) {
    int hostHop = -1;
    for (TraceHop hop : hops) {
      if (hop.synAck() || hop.data()) {
        hostHop = hop.ttl();
        break;
      }
    }
    int censorHop = -1;
    String censorRouter = null;
    for (TraceHop hop : hops) {
      if (hostHop > 0 && hop.ttl() >= hostHop) {
        break;
      }
      if (hop.reset()) {
        if (hop.router() != null || hop.ttl() == 1) {
          censorHop = hop.ttl();
          censorRouter = hop.router();
        } else {
          // Reset in the forwarding path: the packet that expired at the censor drew only its
          // time-exceeded, one TTL earlier.
          TraceHop before = hops.get(hop.ttl() - 2);
          censorHop = before.ttl();
          censorRouter = before.router();
        }
        break;
      }
    }
    return new CensorLocation(target, port, offending, hops, censorHop, censorRouter, hostHop);
  }

  /**
   * Finds the censor of a request rather than of a SYN: for each TTL a fresh connection is opened
   * with ordinary TTLs, then {@code payload} (an HTTP request, a ClientHello) is sent with that
   * TTL. Needs the kernel kept from resetting the raw handshake ({@code KernelGuard}).
   */
  public CensorLocation locateRequest(
      InetAddress target, int port, String offending, byte[] payload, String device, Path pcap)
      throws IOException {
    Route route = Route.lookup(target, device);
    int base = firstPort();
    String filter = filter(target, port, base);
    try (RawChannel channel = RawChannel.open(route, filter)) {
      InetAddress source = channel.source();
      List<PacketView> seen = new ArrayList<>();
      int handshakes = 0;
      // Once the request drew a TCP answer (the host's, or the censor's in its name) at two TTLs
      // in a row, the hops beyond tell nothing new: the trace ends there, and within a bound.
      int answeredInARow = 0;
      int last = maxHops;
      long deadline = System.nanoTime() + REQUEST_TRACE_CAP.toNanos();
      for (int ttl = 1; ttl <= maxHops; ttl++) {
        int sourcePort = base + ttl;
        long isn = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        channel.send(Frames.syn(source, target, sourcePort, port, isn, SynShape.BARE, 64));
        List<PacketView> handshake =
            channel.capture(
                System.nanoTime() + wait.toNanos(),
                got -> got.stream().anyMatch(p -> isSynAckTo(p, sourcePort)));
        PacketView synAck =
            handshake.stream().filter(p -> isSynAckTo(p, sourcePort)).findFirst().orElse(null);
        seen.addAll(handshake.stream().filter(p -> p != synAck).toList());
        if (synAck == null) {
          if (handshakes == 0 && ttl >= 2) {
            // Two handshakes at full TTL refused or unanswered: the port is what is stopped (the
            // SYN trace tells where), not worth a wait at each of the other hops.
            break;
          }
          if (System.nanoTime() > deadline) {
            last = ttl;
            break;
          }
          continue;
        }
        handshakes++;
        long theirs = synAck.tcp().seq() + 1;
        channel.send(Frames.ack(source, target, sourcePort, port, isn + 1, theirs));
        channel.send(Frames.data(source, target, sourcePort, port, isn + 1, theirs, ttl, payload));
        List<PacketView> drawn =
            channel.capture(
                System.nanoTime() + wait.toNanos(),
                got -> got.stream().anyMatch(p -> answers(p, sourcePort, target)));
        seen.addAll(drawn);
        channel.send(Frames.rst(source, target, sourcePort, port, isn + 1 + payload.length));
        boolean answered =
            drawn.stream().anyMatch(p -> p.tcp() != null && answers(p, sourcePort, target));
        answeredInARow = answered ? answeredInARow + 1 : 0;
        if (answeredInARow >= 2 || System.nanoTime() > deadline) {
          last = ttl;
          break;
        }
      }
      if (pcap != null) {
        channel.writePcap(pcap);
      }
      // Handshake answers (and their retransmissions) are not what the request drew.
      seen.removeIf(p -> p.tcp() != null && p.tcp().syn());
      if (handshakes == 0) {
        throw new NoHandshakeException(
            PacketView.text(target) + ":" + port + " completed no handshake: nothing to locate");
      }
      return summarise(
          PacketView.text(target),
          port,
          offending,
          hops(seen, PacketView.text(target), base, last));
    }
  }

  private static boolean isSynAckTo(PacketView p, int sourcePort) {
    return p.tcp() != null
        && p.tcp().destinationPort() == sourcePort
        && p.tcp().syn()
        && p.tcp().ackFlag();
  }

  /** A reset, the host's data, or the time-exceeded of the request sent from this port. */
  private static boolean answers(PacketView p, int sourcePort, InetAddress target) {
    if (p.tcp() != null) {
      return p.tcp().destinationPort() == sourcePort
          && (p.tcp().rst() || p.tcp().payloadLength() > 0);
    }
    return p.quoted() != null
        && p.quoted().tcp() != null
        && p.quoted().tcp().sourcePort() == sourcePort
        && p.quoted().destination().equals(PacketView.text(target));
  }
}
