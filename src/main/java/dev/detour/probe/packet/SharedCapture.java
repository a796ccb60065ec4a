package dev.detour.probe.packet;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jboss.logging.Logger;
import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.packet.namednumber.DataLinkType;
import org.pcap4j.util.MacAddress;

/**
 * One capture per interface that every SYN and echo probe shares, the way a scanner works: a reader
 * thread takes each answer off the ring and hands it to the probe it concerns, matched by {@link
 * Key} (target, ports, echo identifier — the same identity an ICMP error quotes back). A probe then
 * costs a map entry and a packet, not a capture of its own: opening a capture with its BPF program
 * and ring per probe was most of the CPU a probe round took (bench/run has the figures).
 *
 * <p>The capture closes itself after a while with no probe, so it never outlives its interface.
 */
public final class SharedCapture {

  private static final Logger LOG = Logger.getLogger(SharedCapture.class);

  /**
   * What the shared capture lets through: answers to probe ports, echo replies, ICMP errors, of
   * both families (ICMPv6's type read at a fixed offset: its messages carry no extension header).
   */
  static final String FILTER =
      "(tcp and dst portrange "
          + ProbePorts.range()
          + ") or (icmp and (icmp[0] == 0 or icmp[0] == 3 or icmp[0] == 11))"
          + " or (icmp6 and (ip6[40] == 129 or ip6[40] == 1 or ip6[40] == 3))";

  private static final long IDLE_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** Looks for captures idle for {@link #IDLE_NANOS}; their readers are blocked in libpcap. */
  private static final ScheduledExecutorService IDLE_CHECK =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "detour-capture-idle");
            t.setDaemon(true);
            return t;
          });

  private static final Map<String, SharedCapture> CAPTURES = new ConcurrentHashMap<>();

  /**
   * What an answer is matched to its probe by: the probe packet's identity, read off the answer
   * itself or off the probe an ICMP error quotes.
   */
  public record Key(int protocol, String address, int a, int b) {

    /** A SYN from {@code sourcePort} to {@code target}:{@code targetPort}. */
    public static Key tcp(String target, int targetPort, int sourcePort) {
      return new Key(6, target, targetPort, sourcePort);
    }

    /** An echo request to {@code target} with {@code identifier}. */
    public static Key echo(String target, int identifier) {
      return new Key(1, target, identifier, 0);
    }

    static Key of(PacketView p) {
      if (p.tcp() != null) {
        return tcp(p.source(), p.tcp().sourcePort(), p.tcp().destinationPort());
      }
      PacketView.Icmp icmp = p.icmp();
      if (icmp == null) {
        return null;
      }
      if (p.echoReply()) {
        return echo(p.source(), icmp.identifier());
      }
      PacketView q = p.quoted();
      if (q == null) {
        return null;
      }
      if (q.tcp() != null) {
        return tcp(q.destination(), q.tcp().destinationPort(), q.tcp().sourcePort());
      }
      return q.icmp() == null ? null : echo(q.destination(), q.icmp().identifier());
    }
  }

  private final String name;
  private final String device;
  private final PcapHandle rx;
  private final PcapHandle tx;
  private final boolean ethernet;
  private final MacAddress ownMac;
  private final Map<Key, Channel> channels = new ConcurrentHashMap<>();
  private volatile long lastUsed = System.nanoTime();
  private volatile boolean closed;

  private SharedCapture(String name, String device) throws IOException {
    this.name = name;
    this.device = device;
    Libpcap.Result pcap = Libpcap.load();
    if (pcap.version().isEmpty()) {
      throw new IOException(pcap.problem());
    }
    PcapHandle in = null;
    PcapHandle out = null;
    try {
      in = handle(device, 16 * 1024 * 1024, FILTER);
      // Sending has a handle of its own that captures nothing: libpcap handles are not meant to
      // be read and written from two threads at once.
      out = handle(device, 128 * 1024, "less 1");
      this.ethernet = in.getDlt().equals(DataLinkType.EN10MB);
      this.ownMac = ethernet ? RawChannel.ownMac(device) : null;
    } catch (PcapNativeException | NotOpenException | IOException | RuntimeException e) {
      if (in != null) {
        in.close();
      }
      if (out != null) {
        out.close();
      }
      throw new IOException(
          "cannot capture on " + device + " (" + e.getMessage() + "); raw probes need CAP_NET_RAW",
          e);
    }
    this.rx = in;
    this.tx = out;
  }

  private static PcapHandle handle(String device, int buffer, String filter)
      throws PcapNativeException, NotOpenException {
    PcapHandle handle =
        new PcapHandle.Builder(device)
            .snaplen(PacketChannel.SNAPLEN)
            .promiscuousMode(PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
            .timeoutMillis(10)
            .immediateMode(true)
            .bufferSize(buffer)
            .direction(PcapHandle.PcapDirection.IN)
            .build();
    try {
      handle.setFilter(filter, BpfProgram.BpfCompileMode.OPTIMIZE);
      handle.setBlockingMode(PcapHandle.BlockingMode.BLOCKING);
      return handle;
    } catch (PcapNativeException | NotOpenException | RuntimeException e) {
      handle.close();
      throw e;
    }
  }

  /**
   * A channel on the route's interface whose answers — those matching {@code keys} — go to {@code
   * listener} on the capture's reader thread as they come: probes wait on a timer, not on a thread
   * of their own. Open before sending, so no answer can come first. The listener must be quick.
   */
  public static PacketChannel open(
      Route route, List<Key> keys, Consumer<PacketChannel.Frame> listener) throws IOException {
    if (route.device().equals("lo")) {
      throw new IOException(
          "raw probes cannot reach this host's own addresses: the kernel ignores packets crafted"
              + " onto loopback");
    }
    SharedCapture capture = of(route.device());
    MacAddress next = capture.ethernet ? RawChannel.Neighbors.resolve(route) : null;
    Channel channel = capture.new Channel(route, next, keys, listener);
    for (Key key : keys) {
      if (capture.channels.putIfAbsent(key, channel) != null) {
        channel.close();
        throw new IOException("another probe of " + key + " is under way");
      }
    }
    capture.lastUsed = System.nanoTime();
    return channel;
  }

  private static synchronized SharedCapture of(String device) throws IOException {
    String name = Route.namespace() + "|" + device;
    SharedCapture capture = CAPTURES.get(name);
    if (capture != null && !capture.closed) {
      return capture;
    }
    capture = new SharedCapture(name, device);
    CAPTURES.put(name, capture);
    // Started from this thread, so the reader lives in the capture's network namespace too.
    Thread reader = new Thread(capture::read, "detour-capture-" + device);
    reader.setDaemon(true);
    reader.start();
    SharedCapture started = capture;
    IDLE_CHECK.scheduleWithFixedDelay(
        () -> {
          started.closeIfIdle();
          if (started.closed) {
            throw new CancellationException("closed");
          }
        },
        1,
        1,
        TimeUnit.MINUTES);
    return capture;
  }

  /**
   * Reads in blocking mode: libpcap wakes the reader when a packet comes, and {@link #close} wakes
   * it with {@code pcap_breakloop} (libpcap 1.10 and later). Polling a non-blocking handle instead
   * kept a tenth of a core busy while a round was under way (bench/run's profile).
   */
  private void read() {
    try {
      PcapNext reader = new PcapNext(rx);
      while (!closed) {
        if (!reader.next()) {
          continue; // woken, or nothing within the handle's timeout
        }
        byte[] bytes = reader.bytes();
        long nanos = reader.nanos();
        PacketView view = RawChannel.view(ethernet, bytes, nanos);
        Key key = view == null ? null : Key.of(view);
        Channel channel = key == null ? null : channels.get(key);
        if (channel != null) {
          channel.deliver(new PacketChannel.Frame(nanos, bytes, false, view));
        }
      }
    } catch (PcapNativeException | RuntimeException e) {
      // The interface went (its namespace deleted): the next probe opens a capture again.
      LOG.debugf("Capture on %s ended: %s", device, e.getMessage());
    } finally {
      close();
      synchronized (tx) {
        rx.close();
        tx.close();
      }
    }
  }

  /** Ends the capture: its reader wakes, closes the handles and leaves. */
  private void close() {
    synchronized (SharedCapture.class) {
      closed = true;
      CAPTURES.remove(name, this);
    }
    try {
      rx.breakLoop();
    } catch (NotOpenException alreadyClosed) {
      // The reader closed it.
    }
  }

  private void closeIfIdle() {
    if (!closed && channels.isEmpty() && System.nanoTime() - lastUsed > IDLE_NANOS) {
      LOG.debugf("Capture on %s idle: closed", device);
      close();
    }
  }

  private PacketChannel.Frame send(MacAddress next, byte[] ip) throws IOException {
    byte[] bytes = RawChannel.frame(ethernet, ownMac, next, ip);
    PacketBudget.acquire();
    long now = RawChannel.nowNanos();
    try {
      synchronized (tx) {
        if (closed) {
          throw new IOException("the capture on " + device + " closed");
        }
        tx.sendPacket(bytes);
      }
    } catch (PcapNativeException | NotOpenException e) {
      throw new IOException("cannot send on " + device + ": " + e.getMessage(), e);
    }
    lastUsed = System.nanoTime();
    return new PacketChannel.Frame(now, bytes, true, RawChannel.view(ethernet, bytes, now));
  }

  /** One probe's share of the capture. */
  private final class Channel extends ChannelBase {
    private final MacAddress next;
    private final List<Key> keys;
    private final List<Frame> frames = Collections.synchronizedList(new ArrayList<>());
    private final Consumer<Frame> listener;

    Channel(Route route, MacAddress next, List<Key> keys, Consumer<Frame> listener) {
      super(route, ethernet);
      this.next = next;
      this.keys = List.copyOf(keys);
      this.listener = java.util.Objects.requireNonNull(listener);
    }

    void deliver(Frame frame) {
      frames.add(frame);
      try {
        listener.accept(frame);
      } catch (RuntimeException e) {
        LOG.warnf(e, "A probe failed to take an answer on %s", device);
      }
    }

    @Override
    public PacketView send(byte[] ip) throws IOException {
      Frame frame = SharedCapture.this.send(next, ip);
      frames.add(frame);
      return frame.view();
    }

    @Override
    public List<Frame> frames() {
      synchronized (frames) {
        return frames.stream().sorted((a, b) -> Long.compare(a.nanos(), b.nanos())).toList();
      }
    }

    @Override
    public void close() {
      for (Key key : keys) {
        channels.remove(key, this);
      }
      lastUsed = System.nanoTime();
    }
  }
}
