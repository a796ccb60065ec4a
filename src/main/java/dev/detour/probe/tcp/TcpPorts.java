package dev.detour.probe.tcp;

import dev.detour.probe.Hops;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.verdict.HostTemplate;
import dev.detour.verdict.Observation;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TCP side of an observation, port by port and SYN shape by SYN shape, with each reset judged
 * genuine or injected by the evidence rules: a reset to a SYN without ACK (RFC 793 has the host
 * acknowledge the SYN it refuses), one acknowledging the wrong sequence number, several resets to
 * one SYN, or one from a different hop distance than the host's own packets.
 */
final class TcpPorts {

  /** How one SYN of one shape fared. */
  enum Fate {
    OPEN,
    /** The host's own reset: the port is closed. */
    CLOSED,
    INJECTED,
    SILENT,
    UNREACHABLE;

    boolean answeredByHost() {
      return this == OPEN || this == CLOSED;
    }
  }

  /** One port: the fate of each shape sent to it, and why a reset was judged injected. */
  record Port(int port, Map<SynShape, Fate> fates, List<String> why) {

    boolean any(Fate fate) {
      return fates.containsValue(fate);
    }

    boolean all(Fate... fate) {
      return !fates.isEmpty() && fates.values().stream().allMatch(f -> List.of(fate).contains(f));
    }

    Fate of(SynShape shape) {
      return fates.get(shape);
    }
  }

  private final Map<Integer, Port> ports;

  /** Whether the fates come from raw SYNs (they can see injected resets) or from connect(). */
  private final boolean raw;

  private TcpPorts(Map<Integer, Port> ports, boolean raw) {
    this.ports = ports;
    this.raw = raw;
  }

  static TcpPorts of(Observation o, HostTemplate template) {
    Map<Integer, Port> ports = new LinkedHashMap<>();
    var syn = o.evidence(TcpSynEvidence.class);
    if (syn.isPresent()) {
      List<SynEvidence> syns = syn.get().syns();
      int reference = referenceHops(o, syns, template);
      for (SynEvidence e : syns) {
        Port port =
            ports.computeIfAbsent(
                e.port(), p -> new Port(p, new EnumMap<>(SynShape.class), new ArrayList<>()));
        port.fates().put(e.shape(), fate(e, reference, port.why()));
      }
      return new TcpPorts(ports, true);
    }
    var connect = o.evidence(ConnectEvidence.class);
    if (connect.isPresent()) {
      for (ConnectEvidence.Attempt a : connect.get().attempts()) {
        Fate fate =
            switch (a.outcome()) {
              case CONNECTED -> Fate.OPEN;
              case REFUSED -> Fate.CLOSED;
              case TIMEOUT -> Fate.SILENT;
              case FAILED -> Fate.UNREACHABLE;
            };
        Map<SynShape, Fate> fates = new EnumMap<>(SynShape.class);
        fates.put(SynShape.LINUX, fate);
        ports.put(a.port(), new Port(a.port(), fates, new ArrayList<>()));
      }
    }
    return new TcpPorts(ports, false);
  }

  boolean raw() {
    return raw;
  }

  boolean probed() {
    return !ports.isEmpty();
  }

  List<Port> ports() {
    return List.copyOf(ports.values());
  }

  Port port(int port) {
    return ports.get(port);
  }

  boolean anyOpen() {
    return ports.values().stream().anyMatch(p -> p.any(Fate.OPEN));
  }

  boolean hostAnswered() {
    return ports.values().stream()
        .anyMatch(p -> p.fates().values().stream().anyMatch(Fate::answeredByHost));
  }

  /**
   * The hops genuine packets come from: the SYN-ACKs of this round, else the template learned from
   * clean rounds, else this round's echo replies.
   */
  private static int referenceHops(Observation o, List<SynEvidence> syns, HostTemplate template) {
    for (SynEvidence e : syns) {
      if (e.answer() == SynAnswer.SYN_ACK) {
        return Hops.estimate(e.answers().get(0).ttl());
      }
    }
    if (template.hops() >= 0) {
      return template.hops();
    }
    return o.evidence(IcmpEvidence.class).filter(i -> i.hops() >= 0).map(i -> i.hops()).orElse(-1);
  }

  private static Fate fate(SynEvidence e, int referenceHops, List<String> why) {
    return switch (e.answer()) {
      case SYN_ACK -> Fate.OPEN;
      case TIMEOUT -> Fate.SILENT;
      case UNREACHABLE -> Fate.UNREACHABLE;
      case RST, RST_ACK -> {
        String injected = injected(e, referenceHops);
        if (injected == null) {
          yield Fate.CLOSED;
        }
        why.add(e.shape().label() + " SYN to " + e.port() + ": " + injected);
        yield Fate.INJECTED;
      }
    };
  }

  /** Why the reset answering this SYN did not come from the host, or null if it may have. */
  static String injected(SynEvidence e, int referenceHops) {
    PacketView rst =
        e.answers().stream().filter(p -> p.tcp() != null && p.tcp().rst()).findFirst().orElse(null);
    if (rst == null) {
      return null;
    }
    String seen =
        rst.version() == 6
            ? "RST hlim " + rst.ttl() + ", seq " + rst.tcp().seq() + " — "
            : "RST ttl " + rst.ttl() + ", id " + rst.ipId() + ", seq " + rst.tcp().seq() + " — ";
    if (!rst.tcp().ackFlag()) {
      return seen + "no ACK, which a host refusing a SYN always sets";
    }
    long expected = (e.sent().tcp().seq() + 1) & 0xffffffffL;
    if (rst.tcp().ack() != expected) {
      return seen + "acknowledges " + rst.tcp().ack() + ", not the SYN's " + expected;
    }
    if (e.resets() > 1) {
      return seen + e.resets() + " resets to one SYN";
    }
    int hops = Hops.estimate(rst.ttl());
    if (referenceHops >= 0 && Math.abs(hops - referenceHops) >= 2) {
      return seen + hops + " hops away where the host is " + referenceHops;
    }
    return null;
  }
}
