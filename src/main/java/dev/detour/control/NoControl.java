package dev.detour.control;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeService;
import dev.detour.probe.dns.DnsAnswers;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** No control vantage: verdicts rest on a block's own signatures. */
final class NoControl implements ControlVantage {

  @Override
  public String mode() {
    return "none";
  }

  @Override
  public Health health() {
    return new Health(false, "no control vantage configured (detour.control.mode=none)");
  }

  @Override
  public ProbeService.Run probe(
      String target, InetAddress address, String name, List<Integer> ports, Set<ProbeKind> kinds)
      throws IOException {
    throw new IOException("no control vantage");
  }

  @Override
  public DnsAnswers resolve(String name) throws IOException {
    throw new IOException("no control vantage");
  }
}
