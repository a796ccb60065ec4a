package dev.detour.probe.tcp;

import dev.detour.DetourConfig;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.PacketChannel;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SharedCapture;
import dev.detour.probe.packet.SynShape;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.pcap4j.packet.IpV4Packet;

/**
 * Sends raw SYNs of both shapes to each port, from fresh source ports, captures every answer
 * (SYN-ACK, RST, RST+ACK, several RSTs, ICMP errors), and closes a half-open connection with a RST
 * of its own. A forged RST that {@code connect()} would ignore is seen here. An unanswered SYN is
 * sent again, as a TCP stack would, so one lost packet on a lossy link is not a silent port.
 */
@Singleton
public final class SynProbe implements Probe {

  /** Source ports reserved for probes, outside Linux's ephemeral range (32768–60999). */
  public static final int FIRST_PORT = 61000;

  public static final int PORTS = 1000;

  /** After the first answer, how long to keep listening for more (a second, injected RST). */
  private static final Duration LINGER = Duration.ofMillis(200);

  private static final AtomicInteger NEXT_PORT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(PORTS));

  private final Duration wait;
  private final int tries;

  public SynProbe(Duration wait) {
    this(wait, 1);
  }

  /**
   * @param wait how long each try waits for an answer
   * @param tries how many times an unanswered SYN is sent in all
   */
  public SynProbe(Duration wait, int tries) {
    this.wait = wait;
    this.tries = tries;
  }

  @Inject
  public SynProbe(DetourConfig config) {
    this(config.probe().synWait(), config.probe().synTries());
  }

  @Override
  public ProbeKind kind() {
    return ProbeKind.TCP_SYN;
  }

  @Override
  public Class<TcpSynEvidence> evidenceType() {
    return TcpSynEvidence.class;
  }

  @Override
  public boolean raw() {
    return true;
  }

  /** Both shapes to every port, all at once, each from its own source port. */
  @Override
  public TcpSynEvidence run(ProbeRequest request) throws IOException {
    Inet4Address target = (Inet4Address) request.address();
    List<ProbeThreads.Part<SynEvidence>> parts = new ArrayList<>();
    for (int port : request.ports()) {
      parts.addAll(parts(target, port, request.device(), request.capture("syn-" + port + ".pcap")));
    }
    return new TcpSynEvidence(ProbeThreads.all(parts));
  }

  /**
   * Both shapes at once, in random order; {@code device} forces an interface (a tunnel), or null.
   */
  public List<SynEvidence> probe(Inet4Address target, int port, String device, Path pcap)
      throws IOException {
    return ProbeThreads.all(parts(target, port, device, pcap));
  }

  private List<ProbeThreads.Part<SynEvidence>> parts(
      Inet4Address target, int port, String device, Path pcap) {
    List<SynShape> shapes = new ArrayList<>(List.of(SynShape.values()));
    Collections.shuffle(shapes);
    List<ProbeThreads.Part<SynEvidence>> parts = new ArrayList<>();
    for (SynShape shape : shapes) {
      Path file = pcap == null ? null : withShape(pcap, shape);
      parts.add(() -> probe(target, port, shape, device, file));
    }
    return parts;
  }

  private static Path withShape(Path pcap, SynShape shape) {
    String name = pcap.getFileName().toString().replaceFirst("\\.pcap$", "");
    return pcap.resolveSibling(name + "-" + shape.label() + ".pcap");
  }

  public SynEvidence probe(Inet4Address target, int port, SynShape shape, String device, Path pcap)
      throws IOException {
    Route route = Route.lookup(target, device);
    int sourcePort = FIRST_PORT + Math.floorMod(NEXT_PORT.getAndIncrement(), PORTS);
    try (PacketChannel channel =
        SharedCapture.open(
            route, List.of(SharedCapture.Key.tcp(target.getHostAddress(), port, sourcePort)))) {
      long seq = ThreadLocalRandom.current().nextLong(1, 1L << 32);
      Inet4Address source = channel.source();
      IpV4Packet.Builder syn = Frames.syn(source, target, sourcePort, port, seq, shape, 64);
      PacketView sent = channel.send(syn);
      long[] firstAt = {-1};
      List<PacketView> answers = new ArrayList<>();
      for (int attempt = 1; attempt <= tries && firstAt[0] < 0; attempt++) {
        if (attempt > 1) {
          channel.send(syn);
        }
        List<PacketView> seen = new ArrayList<>();
        channel.capture(
            System.nanoTime() + wait.toNanos(),
            got -> {
              for (PacketView p : got.subList(seen.size(), got.size())) {
                seen.add(p);
                if (concerns(p, sourcePort, port)) {
                  answers.add(p);
                  if (firstAt[0] < 0) {
                    firstAt[0] = System.nanoTime();
                  }
                }
              }
              return firstAt[0] > 0 && System.nanoTime() - firstAt[0] > LINGER.toNanos();
            });
      }
      if (answers.stream().anyMatch(p -> p.tcp() != null && p.tcp().syn() && p.tcp().ackFlag())) {
        channel.send(Frames.rst(source, target, sourcePort, port, seq + 1));
      }
      if (pcap != null) {
        channel.writePcap(pcap);
      }
      long micros = answers.isEmpty() ? -1 : (answers.get(0).nanos() - sent.nanos()) / 1000;
      return new SynEvidence(shape, port, sent, List.copyOf(answers), classify(answers), micros);
    }
  }

  private static boolean concerns(PacketView p, int sourcePort, int port) {
    if (p.tcp() != null) {
      return p.tcp().destinationPort() == sourcePort && p.tcp().sourcePort() == port;
    }
    return p.quoted() != null
        && p.quoted().tcp() != null
        && p.quoted().tcp().sourcePort() == sourcePort
        && p.quoted().tcp().destinationPort() == port;
  }

  static SynAnswer classify(List<PacketView> answers) {
    if (answers.isEmpty()) {
      return SynAnswer.TIMEOUT;
    }
    PacketView first = answers.get(0);
    if (first.icmp() != null) {
      return SynAnswer.UNREACHABLE;
    }
    PacketView.Tcp tcp = first.tcp();
    if (tcp.syn() && tcp.ackFlag()) {
      return SynAnswer.SYN_ACK;
    }
    if (tcp.rst()) {
      return tcp.ackFlag() ? SynAnswer.RST_ACK : SynAnswer.RST;
    }
    return SynAnswer.TIMEOUT;
  }
}
