package dev.detour.probe.icmp;

import dev.detour.probe.Hops;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.PacketChannel;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.ProbeClock;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SharedCapture;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Echo requests over raw packets: round trip, reply TTL (hop estimate), IP-ID and loss. */
@Singleton
public final class IcmpProbe implements Probe<IcmpEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("icmp");

  private static final AtomicInteger NEXT_ID =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(65535));

  private final int count;
  private final Duration spacing;
  private final Duration wait;

  public IcmpProbe(int count, Duration spacing, Duration wait) {
    this.count = count;
    this.spacing = spacing;
    this.wait = wait;
  }

  @Inject
  public IcmpProbe(ProbeConfig config) {
    this(config.icmpCount(), Duration.ofMillis(200), config.synWait());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  @Override
  public Rendering render(IcmpEvidence e) {
    List<Rendering.Line> lines = new ArrayList<>();
    for (IcmpEvidence.Reply reply : e.replies()) {
      lines.add(
          new Rendering.Line(
              "< "
                  + String.format(Locale.ROOT, "%.2f ms", reply.rttMicros() / 1000.0)
                  + " "
                  + reply.packet().tcpdump(),
              "answer"));
    }
    for (var error : e.errors()) {
      lines.add(new Rendering.Line("< " + error.tcpdump(), "bad"));
    }
    return new Rendering(
        e.sent()
            + " echo requests, "
            + e.replies().size()
            + " replies"
            + (e.lost() > 0 ? ", " + e.lost() + " lost" : ""),
        lines);
  }

  @Override
  public Class<IcmpEvidence> evidenceType() {
    return IcmpEvidence.class;
  }

  @Override
  public boolean raw() {
    return true;
  }

  @Override
  public IcmpEvidence run(ProbeRequest request) throws IOException {
    return ProbeClock.await(start(request));
  }

  @Override
  public CompletableFuture<IcmpEvidence> start(ProbeRequest request) {
    return start(request.address(), request.device(), request.capture("icmp.pcap"));
  }

  public IcmpEvidence probe(InetAddress target, String device, Path pcap) throws IOException {
    return ProbeClock.await(start(target, device, pcap));
  }

  /**
   * {@code count} echo requests {@code spacing} apart, then up to {@code wait} for their replies:
   * sent from the calling thread and then the probe clock, answered on the capture's reader thread,
   * so no thread waits for them.
   */
  public CompletableFuture<IcmpEvidence> start(InetAddress target, String device, Path pcap) {
    Exchange exchange;
    try {
      exchange = new Exchange(target, device, pcap);
    } catch (IOException | RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    exchange.send(0);
    return exchange.result;
  }

  /** One target's echo requests from the first to the evidence. */
  private final class Exchange {
    final InetAddress target;
    final String address;
    final InetAddress source;
    final Path pcap;
    // Distinct for probes under way at once: the shared capture tells their replies apart by it.
    final int identifier = 1 + Math.floorMod(NEXT_ID.getAndIncrement(), 65535);
    final PacketChannel channel;
    final Map<Integer, PacketView> sent = new HashMap<>();
    final List<PacketView> seen = new ArrayList<>();
    final CompletableFuture<IcmpEvidence> result = new CompletableFuture<>();
    int replies;
    boolean over;

    Exchange(InetAddress target, String device, Path pcap) throws IOException {
      this.target = target;
      this.address = PacketView.text(target);
      this.pcap = pcap;
      Route route = Route.lookup(target, device);
      this.source = InetAddress.getByName(route.source());
      this.channel =
          SharedCapture.open(
              route, List.of(SharedCapture.Key.echo(address, identifier)), this::answer);
    }

    /** Sends request {@code seq}, and schedules the next or the end. */
    void send(int seq) {
      try {
        PacketView view = channel.send(Frames.echo(source, target, identifier, seq, 64));
        boolean done;
        synchronized (this) {
          sent.put(seq, view);
          // Replies can come before the request's record is kept: a fast link.
          done = replies >= count && sent.size() >= count;
        }
        if (done) {
          ProbeClock.now(this::finish);
          return;
        }
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          over = true;
        }
        channel.close();
        result.completeExceptionally(e);
        return;
      }
      if (seq + 1 < count) {
        ProbeClock.later(spacing.toNanos(), () -> send(seq + 1));
      } else {
        ProbeClock.later(wait.toNanos(), this::finish);
      }
    }

    synchronized void answer(PacketChannel.Frame frame) {
      if (over) {
        return;
      }
      PacketView p = frame.view();
      seen.add(p);
      if (p.echoReply()
          && p.icmp().identifier() == identifier
          && p.source().equals(address)
          && ++replies >= count
          && sent.size() >= count) {
        ProbeClock.now(this::finish);
      }
    }

    void finish() {
      List<IcmpEvidence.Reply> replies = new ArrayList<>();
      List<PacketView> errors = new ArrayList<>();
      synchronized (this) {
        if (over) {
          return;
        }
        over = true;
        for (PacketView p : seen) {
          PacketView.Icmp icmp = p.icmp();
          if (p.echoReply()
              && icmp.identifier() == identifier
              && p.source().equals(address)
              && sent.containsKey(icmp.sequence())) {
            PacketView request = sent.get(icmp.sequence());
            replies.add(
                new IcmpEvidence.Reply(
                    icmp.sequence(), (p.nanos() - request.nanos()) / 1000, p.ttl(), p.ipId(), p));
          } else if (p.quoted() != null
              && p.quoted().icmp() != null
              && p.quoted().icmp().identifier() == identifier) {
            errors.add(p);
          }
        }
      }
      try {
        if (pcap != null) {
          channel.writePcap(pcap);
        }
      } catch (IOException | RuntimeException e) {
        channel.close();
        result.completeExceptionally(e);
        return;
      }
      channel.close();
      int hops = replies.isEmpty() ? -1 : Hops.estimate(replies.get(0).ttl());
      result.complete(
          new IcmpEvidence(address, count, List.copyOf(replies), List.copyOf(errors), hops));
    }
  }
}
