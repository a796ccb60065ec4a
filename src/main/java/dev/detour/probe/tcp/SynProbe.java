package dev.detour.probe.tcp;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.PacketChannel;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.ProbeClock;
import dev.detour.probe.packet.ProbePorts;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SharedCapture;
import dev.detour.probe.packet.SynShape;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Sends raw SYNs of both shapes to each port, from fresh source ports, captures every answer
 * (SYN-ACK, RST, RST+ACK, several RSTs, ICMP errors), and closes a half-open connection with a RST
 * of its own. A forged RST that {@code connect()} would ignore is seen here. An unanswered SYN is
 * sent again, as a TCP stack would, so one lost packet on a lossy link is not a silent port.
 */
@Singleton
public final class SynProbe implements Probe<TcpSynEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("tcp_syn");

  /** After the first answer, how long to keep listening for more (a second, injected RST). */
  private static final Duration LINGER = Duration.ofMillis(200);

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
  public SynProbe(ProbeConfig config) {
    this(config.synWait(), config.synTries());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 20;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  /** Without raw packets, a plain connect() still tells open, closed and silent apart. */
  @Override
  public Optional<ProbeKind> fallback() {
    return Optional.of(ConnectProbe.KIND);
  }

  @Override
  public Rendering render(TcpSynEvidence e) {
    List<Rendering.Line> lines = new ArrayList<>();
    int resets = 0;
    int answered = 0;
    for (SynEvidence s : e.syns()) {
      lines.add(
          Rendering.Line.plain(
              "# "
                  + s.shape().label()
                  + " SYN ("
                  + s.sent().length()
                  + " bytes) to port "
                  + s.port()
                  + ": "
                  + s.answer().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + (s.resets() > 1 ? ", " + s.resets() + " resets" : "")));
      lines.add(new Rendering.Line("> " + s.sent().tcpdump(), "sent"));
      for (PacketView p : s.answers()) {
        boolean rst = p.tcp() != null && p.tcp().rst();
        lines.add(
            new Rendering.Line(
                "< +"
                    + String.format(Locale.ROOT, "%.3f ms", (p.nanos() - s.sent().nanos()) / 1e6)
                    + " "
                    + p.tcpdump(),
                rst ? "bad" : "answer"));
      }
      if (!s.answers().isEmpty()) {
        answered++;
      }
      resets += (int) s.resets();
    }
    return new Rendering(
        e.syns().size()
            + " SYNs, "
            + answered
            + " answered"
            + (resets > 0 ? ", " + resets + " resets" : ""),
        lines);
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
    return ProbeClock.await(start(request));
  }

  /** The same as {@link #run}, without a thread waiting for the answers. */
  @Override
  public CompletableFuture<TcpSynEvidence> start(ProbeRequest request) {
    List<Syn> syns = new ArrayList<>();
    for (int port : request.ports()) {
      Path pcap = request.capture("syn-" + port + ".pcap");
      for (SynShape shape : shuffled()) {
        syns.add(new Syn(port, shape, pcap == null ? null : withShape(pcap, shape)));
      }
    }
    return start(request.address(), request.device(), syns).thenApply(TcpSynEvidence::new);
  }

  /**
   * Both shapes at once, in random order; {@code device} forces an interface (a tunnel), or null.
   */
  public List<SynEvidence> probe(InetAddress target, int port, String device, Path pcap)
      throws IOException {
    return ProbeClock.await(start(target, port, device, pcap));
  }

  /** {@link #probe(InetAddress, int, String, Path)} without a thread waiting for the answers. */
  public CompletableFuture<List<SynEvidence>> start(
      InetAddress target, int port, String device, Path pcap) {
    List<Syn> syns = new ArrayList<>();
    for (SynShape shape : shuffled()) {
      syns.add(new Syn(port, shape, pcap == null ? null : withShape(pcap, shape)));
    }
    return start(target, device, syns);
  }

  public SynEvidence probe(InetAddress target, int port, SynShape shape, String device, Path pcap)
      throws IOException {
    return ProbeClock.await(start(target, device, List.of(new Syn(port, shape, pcap)))).get(0);
  }

  private static List<SynShape> shuffled() {
    List<SynShape> shapes = new ArrayList<>(List.of(SynShape.values()));
    Collections.shuffle(shapes);
    return shapes;
  }

  private static Path withShape(Path pcap, SynShape shape) {
    String name = pcap.getFileName().toString().replaceFirst("\\.pcap$", "");
    return pcap.resolveSibling(name + "-" + shape.label() + ".pcap");
  }

  /** One SYN of an exchange: where it goes, its shape, and its pcap file (or null). */
  private record Syn(int port, SynShape shape, Path pcap) {}

  /** A SYN under way: its source port and sequence, what it drew, when the first answer came. */
  private static final class Sent {
    final Syn syn;
    final int sourcePort;
    final long seq;
    final byte[] packet;
    PacketView view;
    final List<PacketView> answers = new ArrayList<>(2);
    long firstAt = -1;

    Sent(Syn syn, int sourcePort, long seq, byte[] packet) {
      this.syn = syn;
      this.sourcePort = sourcePort;
      this.seq = seq;
      this.packet = packet;
    }
  }

  /**
   * Every SYN of one target on one share of the capture: sent from the calling thread (which the
   * packet budget paces), answered on the capture's reader thread, timed by one timer for every
   * exchange; unanswered ones are sent again up to {@code tries} times. No thread waits for an
   * exchange: a thread per SYN (and then per target) cost more than the SYNs themselves at 100,000
   * targets a minute, and capped how many could be under way at once.
   */
  private CompletableFuture<List<SynEvidence>> start(
      InetAddress target, String device, List<Syn> syns) {
    Exchange exchange;
    try {
      exchange = new Exchange(target, device, syns);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    exchange.begin();
    return exchange.result;
  }

  /** One target's SYNs from the first send to the evidence. */
  private final class Exchange {
    final InetAddress target;
    final InetAddress source;
    final List<Sent> sent = new ArrayList<>();
    final PacketChannel channel;
    final CompletableFuture<List<SynEvidence>> result = new CompletableFuture<>();
    int attempt = 1;
    boolean lingering;
    boolean over;
    ScheduledFuture<?> deadline;

    Exchange(InetAddress target, String device, List<Syn> syns) throws IOException {
      this.target = target;
      Route route = Route.lookup(target, device);
      this.source = InetAddress.getByName(route.source());
      List<SharedCapture.Key> keys = new ArrayList<>();
      for (Syn syn : syns) {
        int sourcePort = ProbePorts.next();
        long seq = ThreadLocalRandom.current().nextLong(1, 1L << 32);
        keys.add(SharedCapture.Key.tcp(PacketView.text(target), syn.port(), sourcePort));
        sent.add(
            new Sent(
                syn,
                sourcePort,
                seq,
                Frames.syn(source, target, sourcePort, syn.port(), seq, syn.shape(), 64)));
      }
      this.channel = SharedCapture.open(route, keys, this::answer);
    }

    void begin() {
      try {
        for (Sent s : sent) {
          PacketView view = channel.send(s.packet);
          synchronized (this) {
            s.view = view;
          }
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      waitAgain();
    }

    /** The latest try's wait begins, unless every SYN is answered. */
    private synchronized void waitAgain() {
      if (!over && !lingering) {
        deadline = ProbeClock.later(wait.toNanos(), this::deadline);
      }
    }

    /** An answer, on the capture's reader thread. */
    synchronized void answer(PacketChannel.Frame frame) {
      if (over) {
        return;
      }
      PacketView p = frame.view();
      boolean all = true;
      for (Sent s : sent) {
        if (concerns(p, s.sourcePort, s.syn.port())) {
          s.answers.add(p);
          if (s.firstAt < 0) {
            s.firstAt = System.nanoTime();
          }
        }
        all &= s.firstAt >= 0;
      }
      if (all && !lingering) {
        // Every SYN answered: a second, injected answer may still be on its way.
        lingering = true;
        if (deadline != null) {
          deadline.cancel(false);
        }
        ProbeClock.later(LINGER.toNanos(), this::finish);
      }
    }

    /**
     * The wait of the latest try is over with a SYN unanswered: once more, or the end. On a work
     * thread, which the packet budget may pause.
     */
    void deadline() {
      boolean last;
      synchronized (this) {
        if (over || lingering) {
          return;
        }
        last = attempt >= tries;
        attempt++;
      }
      if (last) {
        finish();
        return;
      }
      try {
        for (Sent s : sent) {
          boolean unanswered;
          synchronized (this) {
            unanswered = s.firstAt < 0;
          }
          if (unanswered) {
            channel.send(s.packet);
          }
        }
      } catch (IOException | RuntimeException e) {
        fail(e);
        return;
      }
      waitAgain();
    }

    private void fail(Exception e) {
      synchronized (this) {
        over = true;
      }
      channel.close();
      result.completeExceptionally(e);
    }

    /** Closes the exchange: the half-open connections, the pcap files, the evidence. */
    void finish() {
      List<SynEvidence> evidence = new ArrayList<>();
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        for (Sent s : sent) {
          long micros =
              s.answers.isEmpty() || s.view == null
                  ? -1
                  : (s.answers.get(0).nanos() - s.view.nanos()) / 1000;
          evidence.add(
              new SynEvidence(
                  s.syn.shape(),
                  s.syn.port(),
                  s.view,
                  List.copyOf(s.answers),
                  classify(s.answers),
                  micros));
        }
      }
      try {
        for (int i = 0; i < sent.size(); i++) {
          Sent s = sent.get(i);
          if (evidence.get(i).answers().stream()
              .anyMatch(p -> p.tcp() != null && p.tcp().syn() && p.tcp().ackFlag())) {
            channel.send(Frames.rst(source, target, s.sourcePort, s.syn.port(), s.seq + 1));
          }
        }
        for (Sent s : sent) {
          if (s.syn.pcap() != null) {
            channel.writePcap(s.syn.pcap(), f -> concerns(f.view(), s.sourcePort, s.syn.port()));
          }
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        result.completeExceptionally(e);
        return;
      }
      channel.close();
      result.complete(evidence);
    }
  }

  /** An answer to the SYN from {@code sourcePort} to {@code port}, or that SYN (or its RST). */
  private static boolean concerns(PacketView p, int sourcePort, int port) {
    if (p == null) {
      return false;
    }
    if (p.tcp() != null) {
      return (p.tcp().destinationPort() == sourcePort && p.tcp().sourcePort() == port)
          || (p.tcp().sourcePort() == sourcePort && p.tcp().destinationPort() == port);
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
