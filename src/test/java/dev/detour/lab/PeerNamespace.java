package dev.detour.lab;

import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One peer host for a test that probes from this host's own network (the service under test runs
 * here, not in a lab namespace): a namespace on the end of a veth pair, in a /30 of the
 * benchmarking range picked at random, with a small HTTP server on port 80. Needs root.
 */
public final class PeerNamespace implements AutoCloseable {

  private final String name;
  private final String hostSide;
  private final String local;
  private final String peer;
  private ServerSocket server;

  private PeerNamespace(String name, String hostSide, String local, String peer) {
    this.name = name;
    this.hostSide = hostSide;
    this.local = local;
    this.peer = peer;
  }

  public static PeerNamespace up() throws Exception {
    int id = ThreadLocalRandom.current().nextInt(0x1000, 0x10000);
    int net = ThreadLocalRandom.current().nextInt(0, 64) * 4;
    String third = String.valueOf(ThreadLocalRandom.current().nextInt(0, 256));
    PeerNamespace ns =
        new PeerNamespace(
            "dpr" + Integer.toHexString(id),
            "dpr" + Integer.toHexString(id) + "a",
            "198.19." + third + "." + (net + 1),
            "198.19." + third + "." + (net + 2));
    try {
      ns.sh("ip", "netns", "add", ns.name);
      ns.sh(
          "ip",
          "link",
          "add",
          ns.hostSide,
          "type",
          "veth",
          "peer",
          "name",
          "eth0",
          "netns",
          ns.name);
      ns.sh("ip", "addr", "add", ns.local + "/30", "dev", ns.hostSide);
      ns.sh("ip", "link", "set", ns.hostSide, "up");
      ns.sh("ip", "-n", ns.name, "addr", "add", ns.peer + "/30", "dev", "eth0");
      ns.sh("ip", "-n", ns.name, "link", "set", "eth0", "up");
      ns.sh("ip", "-n", ns.name, "link", "set", "lo", "up");
      ns.server = NetNs.call(ns.name, () -> serve());
    } catch (Exception e) {
      ns.close();
      throw e;
    }
    return ns;
  }

  /** A minimal HTTP server: every request gets a small page. */
  private static ServerSocket serve() throws IOException {
    ServerSocket server = new ServerSocket(80);
    Thread accept =
        new Thread(
            () -> {
              while (!server.isClosed()) {
                try (Socket socket = server.accept()) {
                  socket.getInputStream().read(new byte[4096]);
                  OutputStream out = socket.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                              + "Content-Length: 38\r\n\r\n<html><title>peer</title>peer</html>\r\n")
                          .getBytes(StandardCharsets.ISO_8859_1));
                } catch (IOException closed) {
                  // The socket closed, or a probe reset the connection.
                }
              }
            },
            "peer-http");
    accept.setDaemon(true);
    accept.start();
    return server;
  }

  /** The peer's address. */
  public String address() {
    return peer;
  }

  private void sh(String... command) throws Exception {
    Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
    if (!process.waitFor(10, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(
          String.join(" ", command) + ": " + new String(process.getInputStream().readAllBytes()));
    }
  }

  @Override
  public void close() throws Exception {
    if (server != null) {
      server.close();
    }
    new ProcessBuilder("ip", "link", "del", hostSide).start().waitFor(10, TimeUnit.SECONDS);
    new ProcessBuilder("ip", "netns", "del", name).start().waitFor(10, TimeUnit.SECONDS);
  }
}
