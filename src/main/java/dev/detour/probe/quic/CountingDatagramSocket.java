package dev.detour.probe.quic;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.util.concurrent.locks.LockSupport;

/**
 * The QUIC stack's socket, connected to the one server it talks to (so an ICMP port unreachable
 * surfaces) and counting what goes and comes: whether a server answered at all is what a block
 * shows, whatever the handshake then did.
 *
 * <p>It also holds the server's first datagram until the connecting thread waits for the handshake.
 * Kwik's TLS engine (agent15 3.1) sends the ClientHello and only then records that it awaits the
 * ServerHello; a server a millisecond away answers in between often enough (5 of 150 handshakes in
 * the lab on two busy cores), the ServerHello is refused as unexpected, the Handshake keys never
 * come and the connection stalls to its timeout though the server answered every packet. The
 * connecting thread waits on the handshake's latch (TIMED_WAITING) only once the ClientHello is
 * sent and the state recorded, so the first answer is processed after that; the wait is bounded, in
 * case a later kwik connects differently.
 */
final class CountingDatagramSocket extends DatagramSocket {

  private final long start = System.nanoTime();

  /** Kwik asks for its socket in the thread that connects (QuicClientConnection.connect). */
  private final Thread connecting = Thread.currentThread();

  private volatile int sent;
  private volatile int received;
  private volatile long firstAnswerNanos = -1;
  private volatile boolean unreachable;

  /** How long the first answer waits at most for the connecting thread to wait on the handshake. */
  private static final long GATE_NANOS = 200_000_000;

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
      awaitHandshakeStarted();
    }
  }

  private void awaitHandshakeStarted() {
    long deadline = System.nanoTime() + GATE_NANOS;
    while (connecting.getState() != Thread.State.TIMED_WAITING && System.nanoTime() < deadline) {
      LockSupport.parkNanos(100_000);
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
