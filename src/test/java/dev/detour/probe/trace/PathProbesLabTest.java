package dev.detour.probe.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.KernelGuard;
import dev.detour.probe.packet.SynShape;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** ICMP echo and the TCP trace that locates the censor, from the lab's home. */
class PathProbesLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();
  final IcmpProbe icmp = new IcmpProbe(3, Duration.ofMillis(50), Duration.ofSeconds(1));
  final CensorLocator locator = new CensorLocator(8, Duration.ofMillis(20), Duration.ofSeconds(1));

  static Inet4Address address(String text) throws Exception {
    return (Inet4Address) InetAddress.getByName(text);
  }

  IcmpEvidence ping(String target) throws Exception {
    return NetNs.call(lab.namespace("home"), () -> icmp.probe(address(target), null, null));
  }

  CensorLocation locate(String target, SynShape shape) throws Exception {
    return NetNs.call(
        lab.namespace("home"), () -> locator.locate(address(target), 80, shape, null, null));
  }

  @Test
  void echoRepliesShowTheRoundTripTtlAndHops() throws Exception {
    IcmpEvidence seen = ping(Lab.WEB1);
    assertThat(seen.replies()).hasSize(3);
    assertThat(seen.lost()).isZero();
    assertThat(seen.hops()).isEqualTo(3);
    assertThat(seen.replies()).allSatisfy(r -> assertThat(r.ttl()).isEqualTo(61));
    assertThat(seen.replies()).allSatisfy(r -> assertThat(r.rttMicros()).isPositive());
  }

  @Test
  void anIcmpFilterLosesEveryEcho() throws Exception {
    lab.block("icmp-filter", Lab.WEB1);
    try {
      IcmpEvidence seen = ping(Lab.WEB1);
      assertThat(seen.replies()).isEmpty();
      assertThat(seen.lost()).isEqualTo(3);
      assertThat(seen.hops()).isEqualTo(-1);
    } finally {
      lab.unblock("icmp-filter", Lab.WEB1);
    }
  }

  @Test
  void aCleanPathNamesEveryRouterAndReachesTheHostAtHopFour() throws Exception {
    CensorLocation path = locate(Lab.WEB1, SynShape.LINUX);
    assertThat(path.censorHop()).isEqualTo(-1);
    assertThat(path.hostHop()).isEqualTo(4);
    assertThat(path.hops().subList(0, 3))
        .extracting(TraceHop::router)
        .containsExactly("198.51.100.1", "198.51.100.6", "198.51.100.10");
  }

  @Test
  void theSeedsInjectorIsFoundAtTheIspHop() throws Exception {
    lab.block("rst-seed", Lab.WEB2, "80");
    try {
      CensorLocation path = locate(Lab.WEB2, SynShape.LINUX);
      assertThat(path.censorHop()).isEqualTo(2);
      assertThat(path.censorRouter()).isEqualTo("198.51.100.6");
      assertThat(path.hops().get(0).reset()).isFalse();
      assertThat(path.hostHop()).isEqualTo(-1);
    } finally {
      lab.unblock("rst-seed", Lab.WEB2, "80");
    }
  }

  @Test
  void theDpiBoxResetsOnlyTheLinuxShapedSynAtItsHop() throws Exception {
    lab.block("dpi-syn", Lab.WEB2, "80");
    try {
      CensorLocation linux = locate(Lab.WEB2, SynShape.LINUX);
      CensorLocation bare = locate(Lab.WEB2, SynShape.BARE);
      assertThat(linux.censorHop()).isEqualTo(2);
      assertThat(bare.censorHop()).isEqualTo(-1);
      assertThat(bare.hostHop()).isEqualTo(4);
    } finally {
      lab.unblock("dpi-syn", Lab.WEB2, "80");
    }
  }

  CensorLocation locateRequest(String target, int port, String offending, byte[] payload)
      throws Exception {
    return NetNs.call(
        lab.namespace("home"),
        () -> {
          // Detour keeps its kernel from resetting the raw handshakes; so must the lab's home.
          KernelGuard.install();
          try {
            return locator.locateRequest(address(target), port, offending, payload, null, null);
          } finally {
            KernelGuard.remove();
          }
        });
  }

  @Test
  void aCleanRequestIsAnsweredByTheHostAtHopFour() throws Exception {
    CensorLocation path =
        locateRequest(
            Lab.WEB1, 80, "http-request", OffendingRequests.httpGet("www." + Lab.ZONE, "/"));
    assertThat(path.censorHop()).isEqualTo(-1);
    assertThat(path.hostHop()).isEqualTo(4);
    assertThat(path.hops()).as("answered at hops 4 and 5: no further").hasSize(5);
  }

  @Test
  void theHostFilterIsFoundAtTheIspThoughItResetsInTheForwardingPath() throws Exception {
    String blocked = "tampered." + Lab.ZONE;
    lab.block("http-tamper", Lab.WEB4, blocked);
    try {
      CensorLocation path =
          locateRequest(Lab.WEB4, 80, "http-request", OffendingRequests.httpGet(blocked, "/"));
      assertThat(path.censorHop()).isEqualTo(2);
      assertThat(path.censorRouter()).isEqualTo("198.51.100.6");
      assertThat(path.hostHop()).isEqualTo(-1);
      // Once the request draws the censor's resets at two hops in a row the trace ends (it walked
      // all 16 before).
      assertThat(path.hops()).hasSizeBetween(3, 5);
    } finally {
      lab.unblock("http-tamper", Lab.WEB4, blocked);
    }
  }

  @Test
  void theSniFilterIsFoundAtTheIspWithARealClientHello() throws Exception {
    String blocked = "sni." + Lab.ZONE;
    lab.block("sni", Lab.WEB5, blocked);
    try {
      CensorLocation path =
          locateRequest(Lab.WEB5, 443, "client-hello", OffendingRequests.clientHello(blocked));
      assertThat(path.censorHop()).isEqualTo(2);
      assertThat(path.censorRouter()).isEqualTo("198.51.100.6");
    } finally {
      lab.unblock("sni", Lab.WEB5, blocked);
    }
  }
}
