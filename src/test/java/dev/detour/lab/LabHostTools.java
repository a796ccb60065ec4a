package dev.detour.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the lab's hosts ({@link PeerNamespace}, {@link Ipv6Path}) share: a minimal HTTP server that
 * answers every request with one page, and a command that must succeed within ten seconds.
 */
final class LabHostTools {

  private LabHostTools() {}

  /**
   * Serves {@code response} (a whole HTTP response, status line to body) to every connection to
   * {@code server}, from a daemon thread named {@code threadName}, until the socket is closed.
   */
  static ServerSocket serve(ServerSocket server, String response, String threadName) {
    byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  socket.getInputStream().read(new byte[4096]);
                  OutputStream out = socket.getOutputStream();
                  out.write(bytes);
                } catch (IOException closed) {
                  // The socket closed, or a probe reset the connection.
                }
              }
            },
            threadName);
    accept.setDaemon(true);
    accept.start();
    return server;
  }

  /** Runs {@code command}; throws with its output if it fails or takes over ten seconds. */
  static void sh(String... command) throws Exception {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + ": " + new String(process.getInputStream().readAllBytes()));
    }
  }
}
