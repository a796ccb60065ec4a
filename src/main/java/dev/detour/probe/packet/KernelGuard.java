package dev.detour.probe.packet;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Keeps this host's kernel out of the SYN probes' way. A SYN-ACK to a probe finds no socket, so the
 * kernel would answer it with a reset of its own before the probe sends its own; an nftables rule
 * drops resets from the probes' reserved source ports, leaving only the probe's (which pcap sends
 * past the rule). Without CAP_NET_ADMIN or nft, probing works and the kernel's reset goes out too;
 * that is logged once.
 */
@ApplicationScoped
public class KernelGuard {

  private static final Logger LOG = Logger.getLogger(KernelGuard.class);
  static final String TABLE = "detour_probe_guard";
  private static final String PORTS = ProbePorts.range();

  private final RawPacketAccess access;
  private boolean installed;

  public KernelGuard(RawPacketAccess access) {
    this.access = access;
  }

  void onStart(@Observes StartupEvent event) {
    if (!access.status().netAdmin()) {
      return;
    }
    try {
      install();
      installed = true;
      LOG.infof("Kernel resets from probe ports %s are dropped (nft table inet %s)", PORTS, TABLE);
    } catch (IOException e) {
      LOG.warnf(
          "Cannot install the nftables rule that keeps the kernel from resetting probe"
              + " connections (%s); probes still work, the kernel's reset goes out too",
          e.getMessage());
    }
  }

  void onStop(@Observes ShutdownEvent event) {
    if (installed) {
      try {
        remove();
      } catch (IOException e) {
        LOG.warnf("Cannot remove nft table inet %s: %s", TABLE, e.getMessage());
      }
    }
  }

  /** Installs the rule in the calling thread's network namespace, replacing an old one. */
  public static void install() throws IOException {
    try {
      remove();
    } catch (IOException absent) {
      // Not there from an earlier run: nothing to remove.
    }
    nft("add", "table", "inet", TABLE);
    nft("add", "chain", "inet", TABLE, "out", "{ type filter hook output priority filter ; }");
    nft("add", "rule", "inet", TABLE, "out", "tcp", "sport", PORTS, "tcp", "flags", "rst", "drop");
  }

  public static void remove() throws IOException {
    nft("delete", "table", "inet", TABLE);
  }

  private static void nft(String... words) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("nft"));
    command.addAll(List.of(words));
    Commands.run(command, 5, TimeUnit.SECONDS);
  }

  public boolean installed() {
    return installed;
  }
}
