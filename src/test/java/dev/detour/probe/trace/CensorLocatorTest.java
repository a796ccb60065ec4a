package dev.detour.probe.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.PcapFiles;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Locating the censor from a trace recorded in the lab, with the seed's injector at hop 2. */
class CensorLocatorTest {

  @Test
  void theLowestTtlDrawingAResetIsTheCensorsHop() throws Exception {
    List<PacketView> packets =
        PcapFiles.read(
            Path.of(CensorLocatorTest.class.getResource("/pcap/trace-seed-rst.pcap").toURI()));
    int base =
        packets.stream()
                .filter(p -> p.tcp() != null && p.source().equals("198.51.100.2"))
                .mapToInt(p -> p.tcp().sourcePort())
                .min()
                .orElseThrow()
            - 1;
    List<TraceHop> hops = CensorLocator.hops(packets, "203.0.113.11", base, 6);
    CensorLocation location = CensorLocator.summarise("203.0.113.11", 80, "syn-linux", hops);
    assertThat(location.censorHop()).isEqualTo(2);
    assertThat(location.censorRouter()).isEqualTo("198.51.100.6");
    assertThat(hops.get(0).router()).isEqualTo("198.51.100.1");
    assertThat(hops.get(0).reset()).isFalse();
    assertThat(location.hostHop()).isEqualTo(-1);
  }
}
