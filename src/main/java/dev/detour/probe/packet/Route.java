package dev.detour.probe.packet;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * How the kernel would send a packet to a destination: out of which interface, via which next hop,
 * from which source address. Asked of the kernel itself ({@code ip route get}), so policy routing —
 * the tunnel's table — is honoured exactly as for the host's own traffic.
 *
 * @param gateway the next hop, or null when the destination is on the link
 */
public record Route(String destination, String device, String gateway, String source) {

  /** The next hop whose link-layer address a frame must be sent to. */
  public String nextHop() {
    return gateway != null ? gateway : destination;
  }

  /**
   * @param device the interface the probe must leave by (a tunnel), or null for the kernel's choice
   */
  public static Route lookup(InetAddress destination, String device) throws IOException {
    String key = namespace() + "|" + destination.getHostAddress() + "|" + device;
    Known known = KNOWN.get(key);
    if (known != null && System.nanoTime() - known.at() < TTL_NANOS) {
      return known.route();
    }
    Route route = ask(destination, device);
    if (KNOWN.size() > 4096) {
      KNOWN.clear();
    }
    KNOWN.put(key, new Known(route, System.nanoTime()));
    return route;
  }

  /**
   * Routes are remembered a few seconds: asking {@code ip route get} for each probe costs a
   * process.
   */
  private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final Map<String, Known> KNOWN = new ConcurrentHashMap<>();

  private record Known(Route route, long at) {}

  /**
   * The calling thread's network namespace: remembered routes and neighbours belong to one (a
   * test's threads join several, each with the same addresses on other links).
   */
  public static String namespace() {
    try {
      return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return "";
    }
  }

  private static Route ask(InetAddress destination, String device) throws IOException {
    String output =
        IpBatch.ask(
            "route get " + destination.getHostAddress() + (device != null ? " oif " + device : ""));
    return parse(destination.getHostAddress(), output);
  }

  /** The IPv4 default gateway of the main table, or null when there is none. */
  public static String defaultGateway() throws IOException {
    String output =
        Commands.run(List.of("ip", "-4", "-o", "route", "show", "default"), 5, TimeUnit.SECONDS);
    for (String line : output.split("\n")) {
      String[] words = line.strip().split("\\s+");
      for (int i = 0; i + 1 < words.length; i++) {
        if (words[i].equals("via")) {
          return words[i + 1];
        }
      }
    }
    return null;
  }

  static Route parse(String destination, String output) throws IOException {
    String[] words = output.strip().split("\\s+");
    String dev = null;
    String via = null;
    String src = null;
    for (int i = 0; i + 1 < words.length; i++) {
      switch (words[i]) {
        case "dev" -> dev = words[i + 1];
        case "via" -> via = words[i + 1];
        case "src" -> src = words[i + 1];
        default -> {}
      }
    }
    if (dev == null || src == null) {
      throw new IOException("no route to " + destination + ": " + output.strip());
    }
    return new Route(destination, dev, via, src);
  }
}
