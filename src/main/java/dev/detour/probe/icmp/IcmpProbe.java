package dev.detour.probe.icmp;

import dev.detour.DetourConfig;
import dev.detour.probe.Hops;
import dev.detour.probe.Probe;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.packet.Frames;
import dev.detour.probe.packet.PacketChannel;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.Route;
import dev.detour.probe.packet.SharedCapture;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/** Echo requests over raw packets: round trip, reply TTL (hop estimate), IP-ID and loss. */
@Singleton
public final class IcmpProbe implements Probe {

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
  public IcmpProbe(DetourConfig config) {
    this(config.probe().icmpCount(), Duration.ofMillis(200), config.probe().synWait());
  }

  @Override
  public ProbeKind kind() {
    return ProbeKind.ICMP;
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
    return probe((Inet4Address) request.address(), request.device(), request.capture("icmp.pcap"));
  }

  public IcmpEvidence probe(Inet4Address target, String device, Path pcap) throws IOException {
    Route route = Route.lookup(target, device);
    // Distinct for probes under way at once: the shared capture tells their replies apart by it.
    int identifier = 1 + Math.floorMod(NEXT_ID.getAndIncrement(), 65535);
    try (PacketChannel channel =
        SharedCapture.open(
            route, List.of(SharedCapture.Key.echo(target.getHostAddress(), identifier)))) {
      Inet4Address source = channel.source();
      Map<Integer, PacketView> sent = new HashMap<>();
      List<PacketView> seen = new ArrayList<>();
      for (int seq = 0; seq < count; seq++) {
        sent.put(seq, channel.send(Frames.echo(source, target, identifier, seq, 64)));
        long next = System.nanoTime() + spacing.toNanos();
        seen.addAll(channel.capture(next, got -> false));
      }
      long deadline = System.nanoTime() + wait.toNanos();
      seen.addAll(
          channel.capture(deadline, got -> replies(seen, got, identifier, target) >= count));
      List<IcmpEvidence.Reply> replies = new ArrayList<>();
      List<PacketView> errors = new ArrayList<>();
      for (PacketView p : seen) {
        PacketView.Icmp icmp = p.icmp();
        if (icmp.type() == PacketView.Icmp.ECHO_REPLY
            && icmp.identifier() == identifier
            && p.source().equals(target.getHostAddress())
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
      if (pcap != null) {
        channel.writePcap(pcap);
      }
      int hops = replies.isEmpty() ? -1 : Hops.estimate(replies.get(0).ttl());
      return new IcmpEvidence(
          target.getHostAddress(), count, List.copyOf(replies), List.copyOf(errors), hops);
    }
  }

  private static long replies(
      List<PacketView> before, List<PacketView> now, int identifier, Inet4Address target) {
    return java.util.stream.Stream.concat(before.stream(), now.stream())
        .filter(
            p ->
                p.icmp().type() == PacketView.Icmp.ECHO_REPLY
                    && p.icmp().identifier() == identifier
                    && p.source().equals(target.getHostAddress()))
        .count();
  }
}
