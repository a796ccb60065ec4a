package dev.detour.probe;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;

/**
 * One target to probe now.
 *
 * @param target the watch as the user wrote it
 * @param address the address probed (the target's, or one its name resolved to)
 * @param name the host name for Host, SNI and DNS, or null for a bare address
 * @param device the interface to leave by (a tunnel, for the control side), or null
 * @param source the source address on that interface, or null
 * @param captures where raw probes write their pcap files, or null to keep none
 */
public record ProbeRequest(
    String target,
    InetAddress address,
    String name,
    List<Integer> ports,
    String device,
    InetAddress source,
    Path captures) {

  /** The pcap file a probe writes, under {@link #captures()}; null when none are kept. */
  public Path capture(String file) {
    return captures == null ? null : captures.resolve(file);
  }
}
