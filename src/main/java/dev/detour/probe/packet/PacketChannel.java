package dev.detour.probe.packet;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.List;
import java.util.function.Predicate;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapDumper;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;

/**
 * One probe's exchange of raw packets: it sends crafted IPv4 and IPv6 packets and captures the
 * answers that concern it, keeping every frame sent and received so the exchange can be shown as
 * tcpdump lines and saved as a pcap file. Either a capture of its own with a BPF filter ({@link
 * RawChannel}: the trace), or a share of the interface's one capture, matched by the probe's keys
 * ({@link SharedCapture}: SYN and echo probes, thousands at once).
 */
public interface PacketChannel extends AutoCloseable {

  /** Bytes of each frame kept. */
  int SNAPLEN = 512;

  /** A frame of this exchange, as bytes on the link, with its time. */
  record Frame(long nanos, byte[] bytes, boolean sent, PacketView view) {}

  Route route();

  default InetAddress source() throws IOException {
    return InetAddress.getByName(route().source());
  }

  /** Sends one IP packet (paced by the packet budget); returns what was sent. */
  PacketView send(byte[] ip) throws IOException;

  /** Every frame sent and captured, in order. */
  List<Frame> frames();

  /** Whether frames are Ethernet (else raw IP). */
  boolean ethernet();

  /** Writes the exchange as a pcap file that tcpdump and Wireshark read. */
  default void writePcap(Path file) throws IOException {
    writePcap(file, f -> true);
  }

  /** Writes the frames that {@code which} picks as a pcap file. */
  default void writePcap(Path file, Predicate<Frame> which) throws IOException {
    try (PcapHandle dead =
            Pcaps.openDead(ethernet() ? DataLinkType.EN10MB : DataLinkType.RAW, SNAPLEN);
        PcapDumper dumper = dead.dumpOpen(file.toString())) {
      for (Frame frame :
          frames().stream()
              .filter(which)
              .sorted((a, b) -> Long.compare(a.nanos(), b.nanos()))
              .toList()) {
        Timestamp at = new Timestamp(frame.nanos() / 1_000_000);
        at.setNanos((int) (frame.nanos() % 1_000_000_000L));
        dumper.dumpRaw(frame.bytes(), at);
      }
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  void close();
}
