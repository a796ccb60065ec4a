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
    String namespace = namespace();
    long generation = RouteChanges.generation(namespace);
    Map<Key, Known> known = KNOWN.computeIfAbsent(namespace, n -> new ConcurrentHashMap<>());
    Key key = Key.of(destination, device);
    Known k = known.get(key);
    long now = System.nanoTime();
    if (k != null
        && (generation == RouteChanges.UNWATCHED
            ? now - k.at() < UNWATCHED_NANOS
            : k.generation() == generation && now - k.at() < WATCHED_NANOS)) {
      return new Route(
          PacketView.text(destination), k.via().device(), k.via().gateway(), k.via().source());
    }
    Route route = ask(namespace, generation, destination, device);
    if (known.size() >= MAX_KNOWN) {
      known.clear();
    }
    Via via = new Via(route.device(), route.gateway(), route.source());
    Via shared = VIAS.putIfAbsent(via, via);
    if (VIAS.size() > MAX_KNOWN) {
      VIAS.clear();
    }
    known.put(key, new Known(shared == null ? via : shared, generation, now));
    return route;
  }

  /**
   * Without a route monitor, routes are remembered a few seconds; with one, until the kernel's
   * routes, rules or addresses change (and at most ten minutes). Asking for every probe cost a
   * seventh of a 100,000-watch round's CPU.
   */
  private static final long UNWATCHED_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final long WATCHED_NANOS = TimeUnit.MINUTES.toNanos(10);

  /** Routes remembered per namespace, at most: a prefix sweep should not fill the heap. */
  private static final int MAX_KNOWN = 1 << 18;

  private static final Map<String, Map<Key, Known>> KNOWN = new ConcurrentHashMap<>();

  /** Ways out, shared: thousands of destinations leave by the same one. */
  private static final Map<Via, Via> VIAS = new ConcurrentHashMap<>();

  /** An IPv4 destination as a number, others as their bytes' text, and the device asked for. */
  private record Key(long v4, String other, String device) {
    static Key of(InetAddress destination, String device) {
      byte[] b = destination.getAddress();
      return b.length == 4
          ? new Key(
              ((b[0] & 0xffL) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff),
              null,
              device)
          : new Key(-1, PacketView.text(destination), device);
    }
  }

  private record Via(String device, String gateway, String source) {}

  private record Known(Via via, long generation, long at) {}

  /**
   * The calling thread's network namespace: remembered routes and neighbours belong to one (a
   * test's threads join several, each with the same addresses on other links). Read once per thread
   * — a probe asked for it four times, each a readlink of /proc — so a thread must not move to
   * another namespace after asking: Detour's own threads never move, and a thread that joins one
   * (the tests' NetNs, the lab) does so first thing, on a thread of its own; threads it starts
   * inherit its namespace and read it themselves.
   */
  public static String namespace() {
    return NAMESPACE.get();
  }

  private static final ThreadLocal<String> NAMESPACE =
      ThreadLocal.withInitial(
          () -> {
            try {
              return Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
            } catch (IOException | UnsupportedOperationException e) {
              return "";
            }
          });

  /** How many times the kernel was asked, for tests of the remembering. */
  static final java.util.concurrent.atomic.AtomicLong ASKED =
      new java.util.concurrent.atomic.AtomicLong();

  private static Route ask(
      String namespace, long generation, InetAddress destination, String device)
      throws IOException {
    ASKED.incrementAndGet();
    Route route = NetlinkRoutes.get(namespace, generation, destination, device);
    if (route != null) {
      return route;
    }
    String output =
        IpBatch.ask(
            destination.getAddress().length == 16,
            "route get " + PacketView.text(destination) + (device != null ? " oif " + device : ""));
    return parse(PacketView.text(destination), output);
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
