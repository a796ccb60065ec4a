package dev.detour.probe.packet;

import dev.detour.targets.Addresses;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.Pcaps;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.util.LinkLayerAddress;
import org.pcap4j.util.MacAddress;

/**
 * One probe's raw packets on one interface with a capture of its own: what comes back is what a BPF
 * filter lets through (the trace's TTL-limited probes draw answers from every hop on the path).
 *
 * <p>Opened before the first packet is sent, so no answer can come before the capture.
 */
public final class RawChannel extends ChannelBase {

  /**
   * An idle capture polls at 0.2 ms right after a packet and backs off to 10 ms: answers' times
   * come from the capture's own timestamps, so a late poll costs no precision, and dozens of probes
   * waiting at once do not keep the CPU busy.
   */
  private static final long POLL_NANOS = 200_000;

  private static final long POLL_MAX_NANOS = 10_000_000;

  /**
   * Captures open at once at most: each is a socket and a ring buffer, and a burst of probes must
   * wait for one rather than run out of file descriptors (which would read as silence).
   */
  static final int MAX_OPEN = 512;

  private static final Semaphore OPEN = new Semaphore(MAX_OPEN);

  private boolean closed;

  private final PcapHandle handle;
  private final MacAddress ownMac;
  private final MacAddress nextHopMac;
  private final List<Frame> frames = new ArrayList<>();

  private RawChannel(
      PcapHandle handle, Route route, boolean ethernet, MacAddress own, MacAddress next) {
    super(route, ethernet);
    this.handle = handle;
    this.ownMac = own;
    this.nextHopMac = next;
  }

  /**
   * Opens a capture on the route's interface with {@code filter} (BPF, as for tcpdump), and learns
   * the next hop's link-layer address.
   */
  public static RawChannel open(Route route, String filter) throws IOException {
    if (route.device().equals("lo")) {
      throw new IOException(
          "raw probes cannot reach this host's own addresses: the kernel ignores packets crafted"
              + " onto loopback");
    }
    try {
      if (!OPEN.tryAcquire(30, TimeUnit.SECONDS)) {
        throw new IOException("more than " + MAX_OPEN + " captures open for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for a capture", e);
    }
    try {
      return openCapture(route, filter);
    } catch (IOException | RuntimeException e) {
      OPEN.release();
      throw e;
    }
  }

  private static RawChannel openCapture(Route route, String filter) throws IOException {
    Libpcap.Result pcap = Libpcap.load();
    if (pcap.version().isEmpty()) {
      throw new IOException(pcap.problem());
    }
    try {
      PcapHandle handle =
          new PcapHandle.Builder(route.device())
              .snaplen(SNAPLEN)
              .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
              .timeoutMillis(10)
              .immediateMode(true)
              // A probe sees a handful of packets: a small ring is quick to set up.
              .bufferSize(256 * 1024)
              .direction(PcapHandle.PcapDirection.IN)
              .build();
      try {
        handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
        // In immediate mode libpcap's read timeout never fires on Linux: poll instead of block.
        handle.setBlockingMode(PcapHandle.BlockingMode.NONBLOCKING);
        boolean ethernet = handle.getDlt().equals(DataLinkType.EN10MB);
        MacAddress own = null;
        MacAddress next = null;
        if (ethernet) {
          own = ownMac(route.device());
          next = Neighbors.resolve(route);
        }
        return new RawChannel(handle, route, ethernet, own, next);
      } catch (IOException | RuntimeException | PcapNativeException | NotOpenException e) {
        handle.close();
        throw e;
      }
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException(
          "cannot capture on "
              + route.device()
              + " ("
              + e.getMessage()
              + "); raw probes need CAP_NET_RAW",
          e);
    }
  }

  static MacAddress ownMac(String device) throws IOException {
    try {
      PcapNetworkInterface nif = Pcaps.getDevByName(device);
      if (nif != null) {
        for (LinkLayerAddress address : nif.getLinkLayerAddresses()) {
          if (address instanceof MacAddress mac) {
            return mac;
          }
        }
      }
    } catch (PcapNativeException e) {
      throw new IOException("cannot read the address of " + device, e);
    }
    // /sys shows the network namespace sysfs was mounted in, which may not be this thread's.
    String text = Files.readString(Path.of("/sys/class/net", device, "address")).strip();
    return MacAddress.getByName(text);
  }

  @Override
  public PacketView send(byte[] ip) throws IOException {
    byte[] bytes = frame(ethernet(), ownMac, nextHopMac, ip);
    PacketBudget.acquire();
    long now = nowNanos();
    try {
      handle.sendPacket(bytes);
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("cannot send on " + route().device() + ": " + e.getMessage(), e);
    }
    PacketView view = view(bytes, now);
    frames.add(new Frame(now, bytes, true, view));
    return view;
  }

  /**
   * Captures until {@code deadlineNanos} (System.nanoTime) or until {@code enough} holds for what
   * was captured; returns what this call captured.
   */
  public List<PacketView> capture(long deadlineNanos, Predicate<List<PacketView>> enough)
      throws IOException {
    List<PacketView> got = new ArrayList<>();
    long idle = POLL_NANOS;
    while (System.nanoTime() < deadlineNanos && !enough.test(got)) {
      byte[] bytes;
      try {
        bytes = handle.getNextRawPacket();
      } catch (NotOpenException e) {
        throw new IOException("capture on " + route().device() + " failed: " + e.getMessage(), e);
      }
      if (bytes == null) {
        LockSupport.parkNanos(Math.min(idle, Math.max(0, deadlineNanos - System.nanoTime())));
        idle = Math.min(POLL_MAX_NANOS, idle * 2);
        continue;
      }
      idle = POLL_NANOS;
      Timestamp at = handle.getTimestamp();
      long nanos = at == null ? nowNanos() : at.getTime() / 1000 * 1_000_000_000L + at.getNanos();
      PacketView view = view(bytes, nanos);
      if (view != null) {
        frames.add(new Frame(nanos, bytes, false, view));
        got.add(view);
      }
    }
    return got;
  }

  /** The IP packet as it goes on the link: in an Ethernet frame to the next hop, or bare. */
  static byte[] frame(boolean ethernet, MacAddress own, MacAddress next, byte[] ip) {
    return ethernet ? Frames.ethernet(own.getAddress(), next.getAddress(), ip) : ip;
  }

  private PacketView view(byte[] bytes, long nanos) {
    return view(ethernet(), bytes, nanos);
  }

  static PacketView view(boolean ethernet, byte[] bytes, long nanos) {
    return ethernet ? PacketView.ofEthernet(bytes, nanos) : PacketView.ofIp(bytes, nanos);
  }

  @Override
  public List<Frame> frames() {
    return List.copyOf(frames);
  }

  static long nowNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      handle.close();
      OPEN.release();
    }
  }

  /**
   * Learns a next hop's MAC address from the kernel's neighbour table, which ARP fills for IPv4 and
   * neighbour discovery (RFC 4861) for IPv6 — an IPv6 next hop is often link-local ({@code
   * fe80::1}), which the table names with its device.
   */
  static final class Neighbors {
    private Neighbors() {}

    // Remembered for a second only: a stale address (a new router, a lab rebuilt) would silence
    // every probe, which looks exactly like a censor's black hole; a second is enough for a
    // round's thousands of probes through one gateway to ask once.
    private static final long REMEMBER_NANOS = 1_000_000_000L;

    private record Known(MacAddress mac, long at) {}

    private static final Map<String, Known> KNOWN = new ConcurrentHashMap<>();

    static MacAddress resolve(Route route) throws IOException {
      String key = Route.namespace() + "|" + route.device() + "|" + route.nextHop();
      Known known = KNOWN.get(key);
      if (known != null && System.nanoTime() - known.at() < REMEMBER_NANOS) {
        return known.mac();
      }
      MacAddress mac = ask(route);
      if (KNOWN.size() > 1024) {
        KNOWN.clear();
      }
      KNOWN.put(key, new Known(mac, System.nanoTime()));
      return mac;
    }

    private static MacAddress ask(Route route) throws IOException {
      String hop = route.nextHop();
      for (int attempt = 0; attempt < 40; attempt++) {
        String output =
            IpBatch.ask(Addresses.isV6(hop), "neigh show to " + hop + " dev " + route.device());
        int at = output.indexOf("lladdr ");
        if (at >= 0) {
          return MacAddress.getByName(output.substring(at + 7).split("\\s+")[0]);
        }
        if (attempt == 0 || attempt == 20) {
          // Any datagram towards the destination makes the kernel resolve the next hop.
          try (DatagramSocket socket =
              new DatagramSocket(new InetSocketAddress(InetAddress.getByName(route.source()), 0))) {
            socket.send(
                new DatagramPacket(
                    new byte[1],
                    1,
                    new InetSocketAddress(InetAddress.getByName(route.destination()), 9)));
          } catch (IOException ignored) {
            // Unreachable is an answer too: the neighbour table says the rest.
          }
        }
        try {
          Thread.sleep(25);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted resolving " + hop, e);
        }
      }
      throw new IOException(
          "the next hop "
              + hop
              + " on "
              + route.device()
              + (Addresses.isV6(hop)
                  ? " does not answer neighbour discovery"
                  : " does not answer ARP"));
    }
  }
}
