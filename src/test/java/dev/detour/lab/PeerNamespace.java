package dev.detour.lab;

import static dev.detour.lab.LabHostTools.sh;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One peer host for a test that probes from this host's own network (the service under test runs
 * here, not in a lab namespace): a namespace on the end of a veth pair, in a /30 of the
 * benchmarking range picked at random, with a small HTTP server on port 80. Needs root.
 *
 * <p>{@code @RegisterExtension static final PeerNamespace peer = new PeerNamespace();} brings it up
 * before a class's first test and removes it after the last.
 */
public final class PeerNamespace implements BeforeAllCallback, AfterAllCallback {

  private final String name;
  private final String hostSide;
  private final String local;
  private final String peer;
  private ServerSocket server;

  public PeerNamespace() {
    int id = ThreadLocalRandom.current().nextInt(0x1000, 0x10000);
    int net = ThreadLocalRandom.current().nextInt(0, 64) * 4;
    int third = ThreadLocalRandom.current().nextInt(0, 256);
    this.name = "dpr" + Integer.toHexString(id);
    this.hostSide = name + "a";
    this.local = "198.19." + third + "." + (net + 1);
    this.peer = "198.19." + third + "." + (net + 2);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    try {
      sh("ip", "netns", "add", name);
      sh("ip", "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", name);
      sh("ip", "addr", "add", local + "/30", "dev", hostSide);
      sh("ip", "link", "set", hostSide, "up");
      sh("ip", "-n", name, "addr", "add", peer + "/30", "dev", "eth0");
      sh("ip", "-n", name, "link", "set", "eth0", "up");
      sh("ip", "-n", name, "link", "set", "lo", "up");
      server = NetNs.call(name, PeerNamespace::serve);
    } catch (Exception e) {
      afterAll(context);
      throw e;
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (server != null) {
      server.close();
    }
    new ProcessBuilder("ip", "link", "del", hostSide).start().waitFor(10, TimeUnit.SECONDS);
    new ProcessBuilder("ip", "netns", "del", name).start().waitFor(10, TimeUnit.SECONDS);
  }

  /** A minimal HTTP server: every request gets a small page. */
  private static ServerSocket serve() throws IOException {
    return LabHostTools.serve(
        new ServerSocket(80),
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
            + "Content-Length: 38\r\n\r\n<html><title>peer</title>peer</html>\r\n",
        "peer-http");
  }

  /**
   * Drops (or lets through again) every packet that reaches the peer, with an nftables table in its
   * namespace: a host gone silent, as a black hole or a dead host looks from here.
   */
  public void silence(boolean silent) throws Exception {
    if (silent) {
      sh("ip", "netns", "exec", name, "nft", "add", "table", "inet", "peer");
      sh(
          "ip",
          "netns",
          "exec",
          name,
          "nft",
          "add",
          "chain",
          "inet",
          "peer",
          "in",
          "{ type filter hook input priority 0; policy drop; }");
    } else {
      // Adding an existing table is no error: silence(false) works whether or not it was silent.
      sh("ip", "netns", "exec", name, "nft", "add", "table", "inet", "peer");
      sh("ip", "netns", "exec", name, "nft", "delete", "table", "inet", "peer");
    }
  }

  /** The peer's address. */
  public String address() {
    return peer;
  }
}
