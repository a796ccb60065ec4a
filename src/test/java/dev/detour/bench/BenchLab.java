package dev.detour.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's two hosts: {@code dbench-probe}, where Detour and its peers probe from, and
 * {@code dbench-far}, which answers for every address of 198.18.0.0/15 and of 2001:db8:1800::/40
 * through local routes (ICMP echo by its kernel, TCP on the web server's ports, RST on the others).
 * Built fresh, removed on close and on a previous run's leftovers.
 */
final class BenchLab implements AutoCloseable {

  static final String PROBE = "dbench-probe";
  static final String FAR = "dbench-far";
  static final String PROBE_ADDRESS = "192.0.2.1";
  static final String FAR_ADDRESS = "192.0.2.2";
  static final String DEVICE = "bp0";

  /** The link over IPv6, in the documentation prefix. */
  static final String PROBE_ADDRESS6 = "2001:db8:2::1";

  static final String FAR_ADDRESS6 = "2001:db8:2::2";

  /** The targets over IPv6: a /40 of the documentation prefix, as 198.18.0.0/15 is over IPv4. */
  static final String TARGETS6 = "2001:db8:1800::/40";

  /** The first web server port; the server listens on {@link #webPorts} ports from here. */
  static final int FIRST_PORT = 8000;

  private final int webPorts;
  private final List<Tools.Daemon> servers = new ArrayList<>();

  BenchLab(String classpath, int webPorts) throws IOException {
    this.webPorts = webPorts;
    remove();
    // Interrupted runs (Ctrl-C) leave nothing behind either.
    Runtime.getRuntime().addShutdownHook(new Thread(BenchLab::remove));
    Tools.sh("ip netns add " + PROBE + " && ip netns add " + FAR);
    String probe = "ip netns exec " + PROBE + " ";
    String far = "ip netns exec " + FAR + " ";
    // No duplicate address detection: an address in its wait would not send for a second or two.
    // Links take "default" when they are made, so it is set before the veth.
    for (String ns : List.of(probe, far)) {
      Tools.sh(ns + "sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0");
    }
    Tools.sh("ip link add " + DEVICE + " netns " + PROBE + " type veth peer name bf0 netns " + FAR);
    Tools.sh(probe + "ip link set lo up");
    Tools.sh(probe + "ip addr add " + PROBE_ADDRESS + "/24 dev " + DEVICE);
    Tools.sh(probe + "ip link set " + DEVICE + " up");
    Tools.sh(probe + "ip route add 198.18.0.0/15 via " + FAR_ADDRESS);
    Tools.sh(probe + "ip -6 addr add " + PROBE_ADDRESS6 + "/64 dev " + DEVICE + " nodad");
    Tools.sh(probe + "ip -6 route add " + TARGETS6 + " via " + FAR_ADDRESS6);
    Tools.sh(far + "ip link set lo up");
    Tools.sh(far + "ip addr add " + FAR_ADDRESS + "/24 dev bf0");
    Tools.sh(far + "ip link set bf0 up");
    Tools.sh(far + "ip route add local 198.18.0.0/15 dev lo");
    Tools.sh(far + "ip -6 addr add " + FAR_ADDRESS6 + "/64 dev bf0 nodad");
    Tools.sh(far + "ip -6 route add local " + TARGETS6 + " dev lo");
    // Answer everything the probes send, as a real network of many hosts would.
    Tools.sh(
        far
            + "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=10000000"
            + " net.ipv6.icmp.ratelimit=0");
    Tools.sh(far + "sysctl -qw net.ipv4.tcp_max_syn_backlog=65536 net.core.somaxconn=65535");
    Tools.sh(probe + "sysctl -qw net.ipv4.ip_local_port_range='10000 60999'");
    Tools.sh(probe + "ping -c 1 -W 2 198.18.0.1 >/dev/null");
    // Neighbour discovery both ways before anything is measured; in trials the first echo over
    // IPv6 came back a second late (a solicitation lost while the new link came up, then resent).
    Tools.sh(probe + "ping -6 -c 1 -W 3 2001:db8:1800::1 >/dev/null");
    servers.add(
        new Tools.Daemon(
            FAR,
            List.of(
                "java",
                "-Xmx256m",
                "-cp",
                classpath,
                TargetServer.class.getName(),
                String.valueOf(FIRST_PORT),
                String.valueOf(webPorts),
                "8")));
    for (int attempt = 0; ; attempt++) {
      try {
        Tools.sh(probe + "curl -sf -o /dev/null http://198.18.0.1:" + FIRST_PORT + "/");
        break;
      } catch (IOException e) {
        if (attempt > 100) {
          throw new IOException("the targets' web server did not start", e);
        }
        sleep(100);
      }
    }
  }

  int webPorts() {
    return webPorts;
  }

  /**
   * The far end's MAC address, for masscan over IPv6: its {@code --router-ip} takes IPv4 only, and
   * without {@code --router-mac-ipv6} it waits for a router advertisement, which nothing sends here
   * (it hung at "resolving IPv6 router MAC address").
   */
  static String farMac() throws IOException {
    java.util.regex.Matcher mac =
        java.util.regex.Pattern.compile("link/ether (\\S+)")
            .matcher(Tools.sh("ip -n " + FAR + " link show bf0"));
    if (!mac.find()) {
      throw new IOException("bf0 in " + FAR + " has no MAC address");
    }
    return mac.group(1);
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void remove() {
    Tools.quietly("ip netns pids " + PROBE + " | xargs -r kill -9");
    Tools.quietly("ip netns pids " + FAR + " | xargs -r kill -9");
    Tools.quietly("ip netns del " + PROBE);
    Tools.quietly("ip netns del " + FAR);
  }

  @Override
  public void close() {
    for (Tools.Daemon server : servers) {
      try {
        server.stop();
      } catch (IOException e) {
        // Removed with the namespace below.
      }
    }
    remove();
  }
}
