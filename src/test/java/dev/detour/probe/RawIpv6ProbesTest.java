package dev.detour.probe;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Ipv6Path;
import dev.detour.lab.NetNs;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.packet.Tcpdump;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.SynProbe;
import dev.detour.probe.trace.CensorLocation;
import dev.detour.probe.trace.CensorLocator;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.Pcaps;

/**
 * The raw probes over IPv6 on a real path of namespaces (client, router, server): ICMPv6 echo with
 * the replies' hop limit, both SYN shapes at their IPv6 sizes, a refused port, a black hole, a
 * router's reset, and the hop-limit trace, with the next hop found by neighbour discovery on a
 * link-local address and the exchange written as a pcap file.
 */
class RawIpv6ProbesTest {

  @RegisterExtension static final Ipv6Path path = new Ipv6Path();

  @TempDir Path dir;

  private final SynProbe syn = new SynProbe(Duration.ofMillis(800));

  private static InetAddress server() throws Exception {
    return InetAddress.getByName(Ipv6Path.SERVER_IP);
  }

  private Map<SynShape, SynEvidence> syns(int port) throws Exception {
    InetAddress target = server();
    List<SynEvidence> seen =
        NetNs.call(path.client(), () -> syn.probe(target, port, null, dir.resolve("syn.pcap")));
    return seen.stream().collect(Collectors.toMap(SynEvidence::shape, Function.identity()));
  }

  @Test
  void icmpv6EchoRepliesCarryTheHopLimitOfAHostOneRouterAway() throws Exception {
    IcmpProbe icmp = new IcmpProbe(3, Duration.ofMillis(20), Duration.ofSeconds(1));
    InetAddress target = server();
    Path pcap = dir.resolve("icmp.pcap");
    IcmpEvidence e = NetNs.call(path.client(), () -> icmp.probe(target, null, pcap));
    assertThat(e.target()).isEqualTo(Ipv6Path.SERVER_IP);
    assertThat(e.replies()).hasSize(3);
    assertThat(e.replies()).allSatisfy(r -> assertThat(r.ttl()).isEqualTo(63));
    assertThat(e.hops()).isEqualTo(1);
    assertThat(Tcpdump.line(e.replies().get(0).packet()))
        .startsWith("IP6 (")
        .contains("hlim 63, next-header ICMPv6 (58)")
        .contains(Ipv6Path.SERVER_IP + " > " + Ipv6Path.CLIENT_IP + ": ICMP6, echo reply");
    assertThat(frames(pcap)).isEqualTo(6);
  }

  @Test
  void bothSynShapesAreAnsweredAtTheirIpv6Sizes() throws Exception {
    Map<SynShape, SynEvidence> seen = syns(80);
    for (SynEvidence e : seen.values()) {
      assertThat(e.answer()).as(e.shape().label()).isEqualTo(SynAnswer.SYN_ACK);
      assertThat(e.sent().length()).isEqualTo(e.shape().length(6));
      assertThat(e.answers().get(0).ttl()).isEqualTo(63);
      assertThat(e.answers().get(0).tcp().ack()).isEqualTo(e.sent().tcp().seq() + 1);
    }
    assertThat(seen.get(SynShape.LINUX).sent().length()).isEqualTo(80);
    assertThat(seen.get(SynShape.BARE).sent().length()).isEqualTo(64);
  }

  @Test
  void aClosedPortAnswersWithTheHostsOwnReset() throws Exception {
    for (SynEvidence e : syns(81).values()) {
      assertThat(e.answer()).isEqualTo(SynAnswer.RST_ACK);
      PacketView rst = e.answers().get(0);
      assertThat(rst.source()).isEqualTo(Ipv6Path.SERVER_IP);
      assertThat(rst.ttl()).isEqualTo(63);
    }
  }

  @Test
  void aBlackHoleIsSilentAndARoutersResetComesFromAHopCloser() throws Exception {
    path.drop(82);
    path.reject(83);
    for (SynEvidence e : syns(82).values()) {
      assertThat(e.answer()).isEqualTo(SynAnswer.TIMEOUT);
    }
    for (SynEvidence e : syns(83).values()) {
      assertThat(e.answer()).isEqualTo(SynAnswer.RST_ACK);
      // Forged in the router's name of the server: one hop closer than the server's packets.
      assertThat(e.answers().get(0).source()).isEqualTo(Ipv6Path.SERVER_IP);
      assertThat(e.answers().get(0).ttl()).isEqualTo(64);
    }
  }

  @Test
  void theHopLimitTraceNamesTheRouterThenTheServer() throws Exception {
    CensorLocator locator = new CensorLocator(4, Duration.ofMillis(20), Duration.ofSeconds(1));
    InetAddress target = server();
    Path pcap = dir.resolve("trace.pcap");
    CensorLocation trace =
        NetNs.call(path.client(), () -> locator.locate(target, 80, SynShape.LINUX, null, pcap));
    assertThat(trace.hops().get(0).router()).isEqualTo(Ipv6Path.ROUTER_IP);
    assertThat(trace.hops().get(1).synAck()).isTrue();
    assertThat(trace.hostHop()).isEqualTo(2);
    assertThat(Files.size(pcap)).isPositive();
  }

  private static int frames(Path pcap) throws Exception {
    int n = 0;
    try (PcapHandle h = Pcaps.openOffline(pcap.toString())) {
      while (h.getNextRawPacket() != null) {
        n++;
      }
    }
    return n;
  }
}
