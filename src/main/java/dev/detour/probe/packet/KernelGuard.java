package dev.detour.probe.packet;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * Keeps this host's kernel out of the SYN probes' way. A SYN-ACK to a probe finds no socket, so the
 * kernel would answer it with a reset of its own before the probe sends its own; an nftables rule
 * drops resets from the probes' reserved source ports, leaving only the probe's (which pcap sends
 * past the rule). Without CAP_NET_ADMIN or nft, probing works and the kernel's reset goes out too;
 * that is logged once.
 *
 * <p>Each process keeps a table of its own ({@code detour_probe_guard_<pid>}): two Detours on one
 * host (two checkouts' test runs, a service beside a benchmark) must not remove each other's rule
 * as they stop. Tables of processes that no longer run (a kill -9) are removed at start.
 */
@ApplicationScoped
public class KernelGuard {

  private static final Logger LOG = Logger.getLogger(KernelGuard.class);

  /** The tables' common name; each process's ends with its pid. */
  static final String PREFIX = "detour_probe_guard";

  /** This process's table. */
  public static final String TABLE = PREFIX + "_" + ProcessHandle.current().pid();

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

  /**
   * Installs the rule in the calling thread's network namespace, replacing an old one of this
   * process, and removes those of processes that are gone.
   */
  public static void install() throws IOException {
    removeStale();
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

  /** Tables left by processes that did not stop cleanly, and the shared one of older versions. */
  private static void removeStale() {
    String tables;
    try {
      tables = nft("list", "tables", "inet");
    } catch (IOException e) {
      return; // no nft, or no permission: install() says so
    }
    Matcher m = STALE.matcher(tables);
    while (m.find()) {
      String pid = m.group(2);
      boolean gone = pid == null || ProcessHandle.of(Long.parseLong(pid.substring(1))).isEmpty();
      if (gone) {
        try {
          nft("delete", "table", "inet", m.group(1));
        } catch (IOException raced) {
          // Removed meanwhile by its owner or another starting process.
        }
      }
    }
  }

  private static final Pattern STALE = Pattern.compile("table inet (" + PREFIX + "(_\\d+)?)\\b");

  private static String nft(String... words) throws IOException {
    List<String> command = new java.util.ArrayList<>(List.of("nft"));
    command.addAll(List.of(words));
    return Commands.run(command, 5, TimeUnit.SECONDS);
  }

  public boolean installed() {
    return installed;
  }
}
