package dev.detour.probe.trace;

import dev.detour.DetourConfig;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.RawChannel;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.SynProbe;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.Inet4Address;
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
public final class CensorLocator implements Probe {

  private final int maxHops;
  private final Duration spacing;
  private final Duration wait;

  public CensorLocator(int maxHops, Duration spacing, Duration wait) {
    this.maxHops = maxHops;
    this.spacing = spacing;
    this.wait = wait;
  }

  @Inject
  public CensorLocator(DetourConfig config) {
    this(config.probe().traceMaxHops(), Duration.ofMillis(20), config.probe().synWait());
  }

  @Override
  public ProbeKind kind() {
    return ProbeKind.TRACE;
  }

  @Override
  public boolean raw() {
    return true;
  }

  /** Traces the first port with a browser-like SYN, the shape censors have been seen to reset. */
  @Override
  public CensorLocation run(ProbeRequest request) throws IOException {
    return locate(
        (Inet4Address) request.address(),
        request.ports().get(0),
        SynShape.LINUX,
        request.device(),
        request.capture("trace.pcap"));
  }

  public CensorLocation locate(
      Inet4Address target, int port, SynShape shape, String device, Path pcap) throws IOException {
    Route route = Route.lookup(target, device);
    // TTL t leaves from base + t: the answer's port says which TTL drew it.
    int base =
        SynProbe.FIRST_PORT + ThreadLocalRandom.current().nextInt(SynProbe.PORTS - maxHops - 1);
    String filter =
        "(tcp and src host "
            + target.getHostAddress()
            + " and src port "
            + port
            + " and dst portrange "
            + (base + 1)
            + "-"
            + (base + maxHops)
            + ") or (icmp and (icmp[0] == 11 or icmp[0] == 3))";
    try (RawChannel channel = RawChannel.open(route, filter)) {
      Inet4Address source = channel.source();
      long seq = ThreadLocalRandom.current().nextLong(1, 1L << 32);
      List<PacketView> seen = new ArrayList<>();
      for (int ttl = 1; ttl <= maxHops; ttl++) {
        channel.send(Frames.syn(source, target, base + ttl, port, seq, shape, ttl));
        seen.addAll(channel.capture(System.nanoTime() + spacing.toNanos(), got -> false));
      }
      seen.addAll(channel.capture(System.nanoTime() + wait.toNanos(), got -> false));
      List<TraceHop> hops = hops(seen, target.getHostAddress(), base, maxHops);
      for (TraceHop hop : hops) {
        if (hop.synAck()) {
          channel.send(Frames.rst(source, target, base + hop.ttl(), port, seq + 1));
        }
      }
      if (pcap != null) {
        channel.writePcap(pcap);
      }
      return summarise(target.getHostAddress(), port, shape, hops);
    }
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
            && p.icmp().type() == PacketView.Icmp.TIME_EXCEEDED
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

  static CensorLocation summarise(String target, int port, SynShape shape, List<TraceHop> hops) {
    int hostHop = -1;
    for (TraceHop hop : hops) {
      if (hop.synAck()) {
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
        censorHop = hop.ttl();
        censorRouter = hop.router();
        break;
      }
    }
    return new CensorLocation(target, port, shape, hops, censorHop, censorRouter, hostHop);
  }
}
