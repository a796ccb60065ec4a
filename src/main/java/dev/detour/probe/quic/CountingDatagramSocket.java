package dev.detour.probe.quic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;

/**
 * The QUIC stack's socket, connected to the one server it talks to (so an ICMP port unreachable
 * surfaces) and counting what goes and comes: whether a server answered at all is what a block
 * shows, whatever the handshake then did.
 */
final class CountingDatagramSocket extends DatagramSocket {

  private final long start = System.nanoTime();
  private volatile int sent;
  private volatile int received;
  private volatile long firstAnswerNanos = -1;
  private volatile boolean unreachable;

  CountingDatagramSocket(InetAddress local, InetSocketAddress server) throws SocketException {
    super(new InetSocketAddress(local, 0));
    connect(server);
  }

  @Override
  public void send(DatagramPacket packet) throws IOException {
    super.send(packet);
    sent++;
  }

  @Override
  public void receive(DatagramPacket packet) throws IOException {
    try {
      super.receive(packet);
    } catch (PortUnreachableException refused) {
      unreachable = true;
      throw refused;
    }
    if (received++ == 0) {
      firstAnswerNanos = System.nanoTime();
    }
  }

  int sent() {
    return sent;
  }

  int received() {
    return received;
  }

  boolean unreachable() {
    return unreachable;
  }

  long firstAnswerMillis() {
    long at = firstAnswerNanos;
    return at < 0 ? -1 : (at - start) / 1_000_000;
  }
}
