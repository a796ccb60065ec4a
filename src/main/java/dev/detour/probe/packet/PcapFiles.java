package dev.detour.probe.packet;

import java.io.EOFException;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * Reads pcap files back into {@link PacketView}s: the evidence of an earlier probe, or a test's.
 */
public final class PcapFiles {

  private PcapFiles() {}

  public static List<PacketView> read(Path file) throws IOException {
    Libpcap.Result pcap = Libpcap.load();
    if (pcap.version().isEmpty()) {
      throw new IOException(pcap.problem());
    }
    List<PacketView> packets = new ArrayList<>();
    try (PcapHandle handle = Pcaps.openOffline(file.toString())) {
      boolean ethernet = handle.getDlt().equals(DataLinkType.EN10MB);
      while (true) {
        byte[] bytes;
        try {
          bytes = handle.getNextRawPacketEx();
        } catch (EOFException end) {
          return packets;
        } catch (TimeoutException impossibleOffline) {
          continue;
        }
        Timestamp at = handle.getTimestamp();
        long nanos = at.getTime() / 1000 * 1_000_000_000L + at.getNanos();
        PacketView view =
            ethernet ? PacketView.ofEthernet(bytes, nanos) : PacketView.ofIp(bytes, nanos);
        if (view != null) {
          packets.add(view);
        }
      }
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }
}
