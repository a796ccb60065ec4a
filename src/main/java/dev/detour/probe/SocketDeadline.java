package dev.detour.probe;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A whole exchange's time limit on a socket. A socket's read timeout bounds each read, so a peer
 * that trickles a byte a second (a tarpit, an overloaded middlebox) would hold a probe — and its
 * thread and its round — for as long as it likes; at the deadline the socket is closed, the read
 * under way fails, and {@link #explain} turns that failure into the timeout it is.
 */
public final class SocketDeadline implements AutoCloseable {

  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "detour-socket-deadline");
            t.setDaemon(true);
            return t;
          });

  private final long endsAt;
  private final Duration limit;
  private final ScheduledFuture<?> closing;

  private SocketDeadline(Socket socket, Duration limit) {
    this.limit = limit;
    this.endsAt = System.nanoTime() + limit.toNanos();
    this.closing =
        CLOSER.schedule(
            () -> {
              try {
                socket.close();
              } catch (IOException ignored) {
                // Closed already.
              }
            },
            limit.toNanos(),
            TimeUnit.NANOSECONDS);
  }

  /** Closes {@code socket} {@code limit} from now unless closed before. */
  public static SocketDeadline closing(Socket socket, Duration limit) {
    return new SocketDeadline(socket, limit);
  }

  /** Whether the deadline has come. */
  public boolean passed() {
    return System.nanoTime() - endsAt >= 0;
  }

  /** A failure as it should be told: past the deadline, a timeout whatever the socket said. */
  public IOException explain(IOException e) {
    if (!passed() || e instanceof SocketTimeoutException) {
      return e;
    }
    SocketTimeoutException timeout =
        new SocketTimeoutException("no complete answer in " + limit.toMillis() + " ms");
    timeout.initCause(e);
    return timeout;
  }

  @Override
  public void close() {
    closing.cancel(false);
  }
}
