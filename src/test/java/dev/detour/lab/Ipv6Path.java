package dev.detour.lab;

import static dev.detour.lab.LabHostTools.sh;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An IPv6-only path of three hosts for the raw probes: a client, a router that forwards between two
 * links, a server with a small HTTP server on port 80, in namespaces of their own, numbered in the
 * documentation prefix (2001:db8:61::/64 and 2001:db8:62::/64). The client's default route goes via
 * the router's link-local address, as one learned from router advertisements does, so the next hop
 * is found by neighbour discovery on a link-local address. Needs root; removed after the class,
 * also when it failed half-way.
 *
 * <p>{@link #drop} and {@link #reject} put nftables rules in the router: a black hole, a reset.
 */
public final class Ipv6Path implements BeforeAllCallback, AfterAllCallback {

  public static final String CLIENT_IP = "2001:db8:61::2";
  public static final String ROUTER_IP = "2001:db8:61::1";
  public static final String ROUTER_LINK_LOCAL = "fe80::61:1";
  public static final String SERVER_IP = "2001:db8:62::2";

  private final String client;
  private final String router;
  private final String server;
  private final List<String> created = new ArrayList<>();
  private ServerSocket http;

  public Ipv6Path() {
    String id = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    this.client = "d6c" + id;
    this.router = "d6r" + id;
    this.server = "d6s" + id;
  }

  /** The client's namespace, where probes run. */
  public String client() {
    return client;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    try {
      for (String ns : List.of(client, router, server)) {
        sh("ip", "netns", "add", ns);
        created.add(ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        in(ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0");
        in(ns, "sysctl", "-qw", "net.ipv6.conf.default.accept_dad=0");
      }
      in(router, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
      sh("ip", "link", "add", "c0", "netns", client, "type", "veth", "peer", "r0", "netns", router);
      sh("ip", "link", "add", "r1", "netns", router, "type", "veth", "peer", "s0", "netns", server);
      address(client, "c0", CLIENT_IP + "/64");
      address(router, "r0", ROUTER_IP + "/64");
      address(router, "r0", ROUTER_LINK_LOCAL + "/64");
      address(router, "r1", "2001:db8:62::1/64");
      address(server, "s0", SERVER_IP + "/64");
      sh(
          "ip",
          "-n",
          client,
          "-6",
          "route",
          "add",
          "default",
          "via",
          ROUTER_LINK_LOCAL,
          "dev",
          "c0");
      sh("ip", "-n", server, "-6", "route", "add", "default", "via", "2001:db8:62::1");
      http = NetNs.call(server, Ipv6Path::serve);
    } catch (Exception e) {
      afterAll(context);
      throw e;
    }
  }

  private void address(String ns, String device, String address) throws Exception {
    sh("ip", "-n", ns, "addr", "add", address, "dev", device, "nodad");
    sh("ip", "-n", ns, "link", "set", device, "up");
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (http != null) {
      http.close();
    }
    for (String ns : created) {
      new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
    }
    created.clear();
  }

  /** The router drops TCP to {@code port}: a black hole. */
  public void drop(int port) throws Exception {
    rule("tcp dport " + port + " drop");
  }

  /** The router answers TCP to {@code port} with a reset of its own, as a censor's box does. */
  public void reject(int port) throws Exception {
    rule("tcp dport " + port + " reject with tcp reset");
  }

  private void rule(String rule) throws Exception {
    in(router, "nft", "add", "table", "inet", "censor");
    in(
        router,
        "nft",
        "add",
        "chain",
        "inet",
        "censor",
        "through",
        "{ type filter hook forward priority 0; }");
    List<String> command =
        new ArrayList<>(List.of("nft", "add", "rule", "inet", "censor", "through"));
    command.addAll(List.of(rule.split(" ")));
    in(router, command.toArray(String[]::new));
  }

  /** A minimal HTTP server on [::]:80: every request gets a small page. */
  private static ServerSocket serve() throws IOException {
    ServerSocket server = new ServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName("::"), 80));
    return LabHostTools.serve(
        server,
        "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nv6",
        "ipv6-path-http");
  }

  private static void in(String ns, String... command) throws Exception {
    List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    all.addAll(List.of(command));
    sh(all.toArray(String[]::new));
  }
}
