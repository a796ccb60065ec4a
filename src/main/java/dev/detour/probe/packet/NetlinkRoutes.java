package dev.detour.probe.packet;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kernel's route to a destination asked over rtnetlink ({@code RTM_GETROUTE}, as {@code ip
 * route get} asks it) on one socket per network namespace: a send and a receive per question, where
 * the {@code ip -batch} helper cost a pipe round trip to another process that opened sockets and
 * looked devices up for each — more CPU than the probe it served (bench/run's per-thread profile:
 * 2.6 of 10.5 CPU seconds for 65,534 echo probes).
 *
 * <p>The answer is the kernel's own, policy rules and the tunnel's table included. A socket belongs
 * to the namespace of the thread that opened it; each is used by one question at a time.
 */
final class NetlinkRoutes {

  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int NETLINK_ROUTE = 0;
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;

  private static final short RTM_NEWROUTE = 24;
  private static final short RTM_GETROUTE = 26;
  private static final short NLMSG_ERROR = 2;
  private static final short NLM_F_REQUEST = 1;

  private static final short RTA_DST = 1;
  private static final short RTA_OIF = 4;
  private static final short RTA_GATEWAY = 5;
  private static final short RTA_PREFSRC = 7;

  private static final int HEADER = 16;
  private static final int RTMSG = 12;

  private static final Map<String, NetlinkRoutes> BY_NAMESPACE = new ConcurrentHashMap<>();

  /** Device names by index, until the kernel's routes change (a device renamed keeps its index). */
  private final Map<Integer, String> devices = new ConcurrentHashMap<>();

  private long devicesGeneration;

  private final int fd;
  private final byte[] request = new byte[64];
  private final byte[] reply = new byte[8192];
  private int seq;

  private NetlinkRoutes(int fd) {
    this.fd = fd;
  }

  /**
   * The route to {@code destination} (leaving by {@code device} when it is not null), asked in the
   * calling thread's network namespace; null when rtnetlink cannot be opened here (the caller asks
   * {@code ip} instead).
   *
   * @param generation the kernel's routes' generation ({@link RouteChanges}): device names are
   *     asked again when it moves
   * @throws IOException no route (the kernel's reason), or rtnetlink failed the question
   */
  static Route get(String namespace, long generation, InetAddress destination, String device)
      throws IOException {
    NetlinkRoutes routes = BY_NAMESPACE.get(namespace);
    if (routes == null) {
      try {
        routes = open(namespace);
      } catch (IOException | LinkageError e) {
        return null;
      }
    }
    int oif = 0;
    if (device != null) {
      oif = C.if_nametoindex(device);
      if (oif == 0) {
        throw new IOException(
            "no route to " + PacketView.text(destination) + ": no device " + device);
      }
    }
    return routes.ask(destination, oif, generation);
  }

  private static synchronized NetlinkRoutes open(String namespace) throws IOException {
    NetlinkRoutes routes = BY_NAMESPACE.get(namespace);
    if (routes != null) {
      return routes;
    }
    int fd = C.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0) {
      throw new IOException(
          "cannot open an rtnetlink socket (errno " + Native.getLastError() + ")");
    }
    // A second at most per answer: the kernel answers at once, or something is badly wrong.
    ByteBuffer timeval = ByteBuffer.allocate(2 * Native.LONG_SIZE).order(ByteOrder.nativeOrder());
    if (Native.LONG_SIZE == 8) {
      timeval.putLong(1).putLong(0);
    } else {
      timeval.putInt(1).putInt(0);
    }
    if (C.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, timeval.array(), timeval.capacity()) != 0) {
      int errno = Native.getLastError();
      C.close(fd);
      throw new IOException("cannot set a timeout on an rtnetlink socket (errno " + errno + ")");
    }
    routes = new NetlinkRoutes(fd);
    BY_NAMESPACE.put(namespace, routes);
    return routes;
  }

  private synchronized Route ask(InetAddress destination, int oif, long generation)
      throws IOException {
    if (generation != devicesGeneration || generation == RouteChanges.UNWATCHED) {
      devices.clear();
      devicesGeneration = generation;
    }
    byte[] address = destination.getAddress();
    boolean v6 = address.length == 16;
    ByteBuffer b = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
    int length = HEADER + RTMSG + 4 + address.length + (oif != 0 ? 8 : 0);
    int id = ++seq;
    b.putInt(length).putShort(RTM_GETROUTE).putShort(NLM_F_REQUEST).putInt(id).putInt(0);
    b.put((byte) (v6 ? AF_INET6 : AF_INET)).put((byte) (address.length * 8));
    b.put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0).put((byte) 0);
    b.putInt(0);
    b.putShort((short) (4 + address.length)).putShort(RTA_DST).put(address);
    if (oif != 0) {
      b.putShort((short) 8).putShort(RTA_OIF).putInt(oif);
    }
    if (C.send(fd, request, new NativeLong(length), 0).longValue() != length) {
      throw new IOException(
          "cannot ask rtnetlink for a route (errno " + Native.getLastError() + ")");
    }
    String text = PacketView.text(destination);
    while (true) {
      long got = C.recv(fd, reply, new NativeLong(reply.length), 0).longValue();
      if (got < 0) {
        throw new IOException(
            "rtnetlink did not answer for " + text + " (errno " + Native.getLastError() + ")");
      }
      ByteBuffer r = ByteBuffer.wrap(reply, 0, (int) got).order(ByteOrder.nativeOrder());
      while (r.remaining() >= HEADER) {
        int start = r.position();
        int len = r.getInt(start);
        short type = r.getShort(start + 4);
        int answerSeq = r.getInt(start + 8);
        if (len < HEADER || start + len > got) {
          break;
        }
        r.position(start + align(len));
        if (answerSeq != id) {
          continue; // a late answer to a question that timed out
        }
        if (type == NLMSG_ERROR) {
          int errno = -r.getInt(start + HEADER);
          if (errno == 0) {
            continue; // an acknowledgement, not an answer
          }
          throw new IOException("no route to " + text + ": " + reason(errno));
        }
        if (type == RTM_NEWROUTE) {
          return parse(text, r, start + HEADER + RTMSG, start + len);
        }
      }
    }
  }

  private Route parse(String destination, ByteBuffer r, int from, int to) throws IOException {
    int oif = 0;
    String gateway = null;
    String source = null;
    for (int at = from; at + 4 <= to; ) {
      int len = r.getShort(at) & 0xffff;
      int type = r.getShort(at + 2) & 0x3fff;
      if (len < 4 || at + len > to) {
        break;
      }
      switch (type) {
        case RTA_OIF -> oif = r.getInt(at + 4);
        case RTA_GATEWAY -> gateway = address(r, at + 4, len - 4);
        case RTA_PREFSRC -> source = address(r, at + 4, len - 4);
        default -> {}
      }
      at += align(len);
    }
    if (oif == 0 || source == null) {
      throw new IOException(
          "no route to " + destination + ": the kernel named no device or source");
    }
    return new Route(destination, device(oif), gateway, source);
  }

  private String device(int index) throws IOException {
    String name = devices.get(index);
    if (name == null) {
      byte[] buffer = new byte[16];
      if (C.if_indextoname(index, buffer) == null) {
        throw new IOException("no device with index " + index);
      }
      int end = 0;
      while (end < buffer.length && buffer[end] != 0) {
        end++;
      }
      name = new String(buffer, 0, end, java.nio.charset.StandardCharsets.US_ASCII);
      devices.put(index, name);
    }
    return name;
  }

  private static String address(ByteBuffer r, int at, int len) throws IOException {
    if (len != 4 && len != 16) {
      return null;
    }
    byte[] a = new byte[len];
    r.get(at, a);
    try {
      return PacketView.text(InetAddress.getByAddress(a));
    } catch (UnknownHostException e) {
      throw new IOException(e);
    }
  }

  private static int align(int len) {
    return (len + 3) & ~3;
  }

  /** The words {@code ip route get} prints for the errors a route lookup gives. */
  private static String reason(int errno) {
    return switch (errno) {
      case 101 -> "Network is unreachable";
      case 113 -> "No route to host";
      case 13 -> "Permission denied (a prohibit route)";
      case 22 -> "Invalid argument (a blackhole route)";
      case 19 -> "No such device";
      default -> "errno " + errno;
    };
  }

  /** Closes every namespace's socket (tests remove their namespaces; a socket keeps one alive). */
  static synchronized void closeAll() {
    for (NetlinkRoutes routes : BY_NAMESPACE.values()) {
      C.close(routes.fd);
    }
    BY_NAMESPACE.clear();
  }

  /** The C library's socket calls, bound directly (no per-call reflection). */
  private static final class C {
    static {
      Native.register(NativeLibrary.getInstance("c"));
    }

    static native int socket(int domain, int type, int protocol);

    static native int setsockopt(int fd, int level, int name, byte[] value, int length);

    static native NativeLong send(int fd, byte[] buffer, NativeLong length, int flags);

    static native NativeLong recv(int fd, byte[] buffer, NativeLong length, int flags);

    static native int close(int fd);

    static native int if_nametoindex(String name);

    static native Pointer if_indextoname(int index, byte[] name);

    private C() {}
  }
}
