package dev.detour.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The benchmark's two hosts: {@code dbench-probe}, where Detour and its peers probe from, and
 * {@code dbench-far}, which answers for every address of 198.18.0.0/15 through a local route (ICMP
 * echo by its kernel, TCP on the web server's ports, RST on the others). Built fresh, removed on
 * close and on a previous run's leftovers.
 */
final class BenchLab implements AutoCloseable {

  static final String PROBE = "dbench-probe";
  static final String FAR = "dbench-far";
  static final String PROBE_ADDRESS = "192.0.2.1";
  static final String FAR_ADDRESS = "192.0.2.2";
  static final String DEVICE = "bp0";

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
    Tools.sh("ip link add " + DEVICE + " netns " + PROBE + " type veth peer name bf0 netns " + FAR);
    String probe = "ip netns exec " + PROBE + " ";
    String far = "ip netns exec " + FAR + " ";
    Tools.sh(probe + "ip link set lo up");
    Tools.sh(probe + "ip addr add " + PROBE_ADDRESS + "/24 dev " + DEVICE);
    Tools.sh(probe + "ip link set " + DEVICE + " up");
    Tools.sh(probe + "ip route add 198.18.0.0/15 via " + FAR_ADDRESS);
    Tools.sh(far + "ip link set lo up");
    Tools.sh(far + "ip addr add " + FAR_ADDRESS + "/24 dev bf0");
    Tools.sh(far + "ip link set bf0 up");
    Tools.sh(far + "ip route add local 198.18.0.0/15 dev lo");
    // Answer everything the probes send, as a real network of many hosts would.
    Tools.sh(far + "sysctl -qw net.ipv4.icmp_ratelimit=0 net.ipv4.icmp_msgs_per_sec=10000000");
    Tools.sh(far + "sysctl -qw net.ipv4.tcp_max_syn_backlog=65536 net.core.somaxconn=65535");
    Tools.sh(probe + "sysctl -qw net.ipv4.ip_local_port_range='10000 60999'");
    Tools.sh(probe + "ping -c 1 -W 2 198.18.0.1 >/dev/null");
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
