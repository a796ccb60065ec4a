package dev.detour.route;

import dev.detour.control.ControlConfig;
import dev.detour.probe.ProbeConfig;
import dev.detour.route.plan.Fence;
import inet.ipaddr.IPAddress;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What must never be routed into the tunnel, whatever is blocked or pinned: the tunnel's own far
 * end and the router (routing them into the tunnel cuts the tunnel or the management path), the
 * control agent and the resolvers in use (their answers are the evidence), bogons and multicast.
 * The planner subtracts these and says which wanted ranges they fenced.
 */
@ApplicationScoped
public class GuardRails {

  /** Reserved IPv4 and IPv6 ranges (RFC 6890 and friends): no censor blocks them, no route goes. */
  static final List<Fence> BOGONS =
      List.of(
          new Fence("0.0.0.0/8", "bogon: this network"),
          new Fence("10.0.0.0/8", "bogon: private network"),
          new Fence("100.64.0.0/10", "bogon: carrier-grade NAT"),
          new Fence("127.0.0.0/8", "bogon: loopback"),
          new Fence("169.254.0.0/16", "bogon: link-local"),
          new Fence("172.16.0.0/12", "bogon: private network"),
          new Fence("192.0.0.0/24", "bogon: IETF protocol assignments"),
          new Fence("192.0.2.0/24", "bogon: documentation (TEST-NET-1)"),
          new Fence("192.168.0.0/16", "bogon: private network"),
          new Fence("198.18.0.0/15", "bogon: benchmarking"),
          new Fence("198.51.100.0/24", "bogon: documentation (TEST-NET-2)"),
          new Fence("203.0.113.0/24", "bogon: documentation (TEST-NET-3)"),
          new Fence("224.0.0.0/4", "multicast"),
          new Fence("240.0.0.0/4", "bogon: reserved and broadcast"),
          new Fence("::/128", "bogon: unspecified"),
          new Fence("::1/128", "bogon: loopback"),
          new Fence("::ffff:0:0/96", "bogon: IPv4-mapped"),
          new Fence("64:ff9b::/96", "bogon: NAT64"),
          new Fence("100::/64", "bogon: discard"),
          new Fence("2001:2::/48", "bogon: benchmarking"),
          new Fence("2001:db8::/32", "bogon: documentation"),
          new Fence("3fff::/20", "bogon: documentation"),
          new Fence("fc00::/7", "bogon: unique local"),
          new Fence("fe80::/10", "bogon: link-local"),
          new Fence("fec0::/10", "bogon: site-local (deprecated)"),
          new Fence("ff00::/8", "multicast"));

  private final RoutesConfig config;
  private final ControlConfig control;
  private final ProbeConfig probe;

  public GuardRails(RoutesConfig config, ControlConfig control, ProbeConfig probe) {
    this.config = config;
    this.control = control;
    this.probe = probe;
  }

  /**
   * The fences for one router: the always-on ones, those its settings and the service's own
   * configuration name, and the user's exclusions.
   */
  public List<Fence> fences(RouterSettings router, List<String> exclusions) {
    List<Fence> all = new ArrayList<>(bogons());
    RoutesConfig routes = config;
    routes.tunnelEndpoints().orElse(List.of()).forEach(a -> add(all, a, "tunnel endpoint"));
    routes.wanAddresses().orElse(List.of()).forEach(a -> add(all, a, "the router's WAN address"));
    if (router.url() != null) {
      resolve(URI.create(router.url()).getHost()).forEach(a -> add(all, a, "the router's API"));
    }
    if (router.host() != null) {
      resolve(router.host()).forEach(a -> add(all, a, "the router's API"));
    }
    control
        .agentUrl()
        .ifPresent(
            u -> resolve(URI.create(u).getHost()).forEach(a -> add(all, a, "control agent")));
    for (String resolver : resolvers()) {
      add(all, resolver, "DNS resolver in use");
    }
    routes.exclusions().orElse(List.of()).forEach(p -> add(all, p, "excluded in configuration"));
    exclusions.forEach(p -> add(all, p, "excluded"));
    return all;
  }

  /**
   * The bogon fences, less what {@code detour.routes.allow-reserved} lets through (of either
   * family: a lab's 198.18.0.0/15 or 2001:db8::/32).
   */
  List<Fence> bogons() {
    List<String> allowed = config.allowReserved().orElse(List.of());
    if (allowed.isEmpty()) {
      return BOGONS;
    }
    List<IPAddress> allow = allowed.stream().map(Prefixes::parse).toList();
    List<Fence> kept = new ArrayList<>();
    for (Fence f : BOGONS) {
      List<IPAddress> left = List.of(Prefixes.parse(f.prefix()));
      for (IPAddress a : allow) {
        left = Prefixes.subtract(left, a);
      }
      left.forEach(p -> kept.add(new Fence(p.toCanonicalString(), f.reason())));
    }
    return kept;
  }

  /** Resolvers in use: this host's, and those Detour asks itself. */
  Set<String> resolvers() {
    Set<String> all = new LinkedHashSet<>();
    try {
      for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
        String[] words = line.strip().split("\\s+");
        if (words.length >= 2 && words[0].equals("nameserver")) {
          all.add(words[1]);
        }
      }
    } catch (IOException e) {
      // No resolv.conf: nothing to fence from it.
    }
    probe.dnsResolvers().ifPresent(all::addAll);
    if (control.mode() == ControlConfig.Mode.INTERFACE) {
      all.addAll(control.dnsResolvers());
    }
    return all;
  }

  private static void add(List<Fence> all, String text, String reason) {
    try {
      all.add(new Fence(Prefixes.normalise(text), reason + " " + text));
    } catch (IllegalArgumentException e) {
      // Names that did not resolve and unparsable entries were reported where they were read.
    }
  }

  private static List<String> resolve(String host) {
    if (host == null) {
      return List.of();
    }
    try {
      List<String> all = new ArrayList<>();
      for (InetAddress a : InetAddress.getAllByName(host.replaceAll("^\\[|]$", ""))) {
        all.add(a.getHostAddress());
      }
      return all;
    } catch (UnknownHostException e) {
      return List.of();
    }
  }
}
