package dev.detour.probe.packet;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Whether this process can send and capture raw packets (CAP_NET_RAW and libpcap) and change routes
 * and firewall rules (CAP_NET_ADMIN). Checked once at start: without them the watch lists and the
 * API still work, so Detour starts and says plainly what is missing and how to fix it. Reported in
 * the {@code probing} health group ({@code /q/health/group/probing}).
 */
@ApplicationScoped
public class RawPacketAccess {

  private static final Logger LOG = Logger.getLogger(RawPacketAccess.class);
  static final int CAP_NET_ADMIN = 12;
  static final int CAP_NET_RAW = 13;

  private volatile Status status;

  /** What was found at start; {@code problems} is empty when everything is there. */
  public record Status(
      boolean netRaw, boolean netAdmin, Optional<String> libpcap, List<String> problems) {
    public boolean canProbe() {
      return netRaw && libpcap.isPresent();
    }
  }

  void onStart(@Observes StartupEvent event) {
    Status found = status();
    if (found.problems().isEmpty()) {
      LOG.infof("Raw packets available: CAP_NET_RAW, CAP_NET_ADMIN, %s", found.libpcap().get());
    } else {
      LOG.warnf(
          "Detour runs, but cannot probe or route until this is fixed:%n  - %s%n"
              + "Watch lists and the API work meanwhile.",
          String.join("\n  - ", found.problems()));
    }
  }

  public synchronized Status status() {
    if (status == null) {
      long caps = effectiveCapabilities();
      boolean raw = (caps & (1L << CAP_NET_RAW)) != 0;
      boolean admin = (caps & (1L << CAP_NET_ADMIN)) != 0;
      Libpcap.Result pcap = Libpcap.load();
      List<String> problems = new ArrayList<>();
      String java = ProcessHandle.current().info().command().orElse("java");
      if (!raw) {
        problems.add(
            "no CAP_NET_RAW: raw ICMP and TCP SYN probes need it. Run Detour as root, or grant it"
                + " with: sudo setcap cap_net_raw,cap_net_admin+eip "
                + java
                + " (then add the JDK's lib directory to /etc/ld.so.conf.d and run ldconfig, or"
                + " java stops finding libjli.so; docs/deployment.md shows how)");
      }
      if (!admin) {
        problems.add(
            "no CAP_NET_ADMIN: changing routes on this host (the Linux router backend) and"
                + " keeping the kernel away from probe ports need it; grant it as above");
      }
      pcap.version().ifPresentOrElse(v -> {}, () -> problems.add(pcap.problem()));
      status = new Status(raw, admin, pcap.version(), List.copyOf(problems));
    }
    return status;
  }

  /** The effective capability set of this process, from /proc (0 where it cannot be read). */
  static long effectiveCapabilities() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("CapEff:")) {
          return new BigInteger(line.substring(7).strip(), 16).longValue();
        }
      }
    } catch (IOException | NumberFormatException e) {
      LOG.debugf(e, "cannot read capabilities");
    }
    return 0;
  }
}
