package dev.detour.route;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes the configuration of both ends of a GRE tunnel from a few answers, the way the seed set it
 * up by hand: the server abroad (Linux: the tunnel, forwarding, NAT, the route back to the LAN, MSS
 * clamping) and the MikroTik at home (the GRE interface, its address, MSS clamping, and where
 * Detour's routes go — with Detour's own host exempted, so its probes keep the direct path), plus
 * the matching Detour configuration.
 */
public final class TunnelHelper {

  private TunnelHelper() {}

  /**
   * The answers; null fields take the defaults in brackets.
   *
   * @param serverAddress the server's public IPv4 address
   * @param routerAddress the router's public (WAN) IPv4 address
   * @param tunnelNetwork a /30 (or wider) inside the tunnel [10.255.255.0/30]: server .1, router .2
   * @param serverInterface the server's Internet interface [eth0]
   * @param lanPrefix the home network behind the router [192.168.88.0/24]
   * @param tunnelName the router's GRE interface [gre-tunnel1]
   * @param routerOs 6 or 7 [7]
   * @param detourHost the LAN address Detour runs on, exempted from the routes (optional)
   * @param routerApi the router's address as Detour reaches it [the first address of the LAN]
   */
  public record Input(
      String serverAddress,
      String routerAddress,
      String tunnelNetwork,
      String serverInterface,
      String lanPrefix,
      String tunnelName,
      Integer routerOs,
      String detourHost,
      String routerApi) {}

  /** Text to copy to each place. */
  public record Output(String server, String mikrotik, String detour) {}

  public static Output generate(Input in) {
    if (in == null) {
      throw ProblemException.invalidField(
          "Invalid tunnel", null, "send the serverAddress and routerAddress at least");
    }
    List<FieldError> errors = new ArrayList<>();
    IPAddress server = address(in.serverAddress(), "serverAddress", true, errors);
    IPAddress router = address(in.routerAddress(), "routerAddress", true, errors);
    IPAddress net = prefix(or(in.tunnelNetwork(), "10.255.255.0/30"), "tunnelNetwork", errors);
    IPAddress lan = prefix(or(in.lanPrefix(), "192.168.88.0/24"), "lanPrefix", errors);
    IPAddress detour =
        in.detourHost() == null ? null : address(in.detourHost(), "detourHost", false, errors);
    String dev = or(in.serverInterface(), "eth0");
    if (!dev.matches("[A-Za-z0-9._-]{1,15}")) {
      errors.add(FieldError.field("serverInterface", "an interface name, e.g. eth0 or ens3"));
    }
    String tunnel = or(in.tunnelName(), "gre-tunnel1");
    if (!tunnel.matches("[A-Za-z0-9._-]{1,32}")) {
      errors.add(FieldError.field("tunnelName", "letters, digits, . _ - (e.g. gre-tunnel1)"));
    }
    int ros = in.routerOs() == null ? 7 : in.routerOs();
    if (ros != 6 && ros != 7) {
      errors.add(FieldError.field("routerOs", "6 or 7"));
    }
    if (net != null && (net.getNetworkPrefixLength() > 30 || !net.isIPv4())) {
      errors.add(FieldError.field("tunnelNetwork", "an IPv4 /30 or wider, e.g. 10.255.255.0/30"));
    }
    if (server != null && router != null && server.equals(router)) {
      errors.add(FieldError.field("routerAddress", "the router's address, not the server's"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid tunnel", errors);
    }
    String serverIn = net.getLower().increment(1).withoutPrefixLength().toCanonicalString();
    String routerIn = net.getLower().increment(2).withoutPrefixLength().toCanonicalString();
    int len = net.getNetworkPrefixLength();
    String s = server.withoutPrefixLength().toCanonicalString();
    String r = router.withoutPrefixLength().toCanonicalString();
    String lanText = lan.toCanonicalString();
    String api =
        in.routerApi() != null
            ? in.routerApi()
            : lan.getLower().increment(1).withoutPrefixLength().toCanonicalString();
    return new Output(
        server(s, r, serverIn, routerIn, len, dev, lanText),
        mikrotik(s, r, routerIn, len, tunnel, ros, detour, lanText),
        detour(tunnel, ros, api, s));
  }

  private static String server(
      String s, String r, String serverIn, String routerIn, int len, String dev, String lan) {
    return String.join(
        "\n",
        "# On the server abroad (" + s + "), as root. GRE is IP protocol 47: let it in.",
        "cat >/etc/network/interfaces.d/detour-gre <<'EOF'",
        "auto gre-home",
        "iface gre-home inet static",
        "    address " + serverIn + "/" + len,
        "    mtu 1476",
        "    pre-up ip tunnel add gre-home mode gre local " + s + " remote " + r + " ttl 255",
        "    post-up ip route add " + lan + " via " + routerIn,
        "    post-down ip tunnel del gre-home",
        "EOF",
        "echo 'net.ipv4.ip_forward = 1' >/etc/sysctl.d/90-detour.conf",
        "sysctl --system",
        "nft -f - <<'EOF'",
        "table ip detour {",
        "  chain input { type filter hook input priority filter; ip saddr "
            + r
            + " ip protocol gre accept; }",
        "  chain forward {",
        "    type filter hook forward priority filter;",
        "    tcp flags syn tcp option maxseg size set rt mtu",
        "  }",
        "  chain postrouting {",
        "    type nat hook postrouting priority srcnat;",
        "    oifname \"" + dev + "\" ip saddr { " + lan + ", " + routerIn + " } masquerade",
        "  }",
        "}",
        "EOF",
        "ifup gre-home",
        "# Keep the nft rules across reboots: add them to /etc/nftables.conf.",
        "");
  }

  private static String mikrotik(
      String s,
      String r,
      String routerIn,
      int len,
      String tunnel,
      int ros,
      IPAddress detour,
      String lan) {
    List<String> lines = new ArrayList<>();
    lines.add("# On the MikroTik (RouterOS " + ros + "), in a terminal.");
    lines.add(
        "/interface gre add name=\""
            + tunnel
            + "\" mtu=auto local-address="
            + r
            + " remote-address="
            + s
            + " clamp-tcp-mss=yes dont-fragment=no allow-fast-path=yes");
    lines.add("/ip address add address=" + routerIn + "/" + len + " interface=" + tunnel);
    lines.add("/ip firewall mangle");
    for (String dir : List.of("in", "out")) {
      lines.add(
          "add chain=forward action=change-mss new-mss=clamp-to-pmtu passthrough=no"
              + " tcp-flags=syn protocol=tcp "
              + dir
              + "-interface="
              + tunnel
              + " tcp-mss=1300-65535 comment=detour-mss");
    }
    lines.add("# Masquerade home traffic into the tunnel (the server knows " + lan + " too).");
    lines.add(
        "/ip firewall nat add chain=srcnat out-interface="
            + tunnel
            + " action=masquerade"
            + " comment=detour-nat");
    String table = ros == 7 ? "/routing rule add" : "/ip route rule add";
    if (ros == 7) {
      lines.add("# Detour's routes go into a table of their own, looked up by the LAN only.");
      lines.add("/routing table add name=detour fib");
    } else {
      lines.add("# Detour's routes carry the routing mark \"detour\", looked up by the LAN only.");
    }
    if (detour != null) {
      lines.add("# Detour's own host keeps the main table, so its probes see the direct path.");
      lines.add(
          table
              + " src-address="
              + detour.withoutPrefixLength().toCanonicalString()
              + "/32 action=lookup-only-in-table table=main comment=detour-probes");
    }
    lines.add(table + " src-address=" + lan + " action=lookup table=detour comment=detour");
    lines.add(
        "# Or, with detour.routers.home.mode=address-list, one route for the list's traffic:");
    if (detour != null) {
      lines.add(
          "# /ip firewall address-list add list=detour-host address="
              + detour.withoutPrefixLength().toCanonicalString());
    }
    lines.add(
        "# /ip firewall mangle add chain=prerouting src-address="
            + lan
            + (detour == null ? "" : " src-address-list=!detour-host")
            + " dst-address-list=detour action=mark-routing new-routing-mark=detour"
            + " passthrough=no comment=detour-mark");
    lines.add(
        "# /ip route add dst-address=0.0.0.0/0 gateway="
            + tunnel
            + (ros == 7 ? " routing-table=detour" : " routing-mark=detour")
            + " comment=detour-default");
    lines.add("# A user for Detour that may change routes and nothing else:");
    // RouterOS 6 has no rest-api policy (REST came with 7.1) and refuses a group that names it.
    lines.add(
        "/user group add name=detour policy=read,write,api"
            + (ros == 7 ? ",rest-api" : "")
            + ",!ftp,!reboot,!policy,!password,!sniff,!sensitive,!romon");
    lines.add("/user add name=detour group=detour password=CHANGE-ME");
    lines.add("");
    return String.join("\n", lines);
  }

  private static String detour(String tunnel, int ros, String api, String s) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "# In Detour's configuration (config/application.properties beside it, or -D options).");
    if (ros == 7) {
      lines.add("detour.routers.home.type=mikrotik-rest");
      lines.add("detour.routers.home.url=https://" + api);
      lines.add(
          "# the router's certificate: detour.routers.home.certificate-sha256=… or ca-file=…");
    } else {
      lines.add("detour.routers.home.type=mikrotik-api");
      lines.add("detour.routers.home.host=" + api);
      lines.add("detour.routers.home.tls=true");
    }
    lines.add("detour.routers.home.username=detour");
    lines.add("detour.routers.home.password-file=/etc/detour/router-password");
    lines.add("detour.routers.home.gateway=" + tunnel);
    lines.add("detour.routers.home.routing-table=detour");
    lines.add("detour.routes.tunnel-endpoints=" + s);
    lines.add("");
    return String.join("\n", lines);
  }

  private static String or(String value, String otherwise) {
    return value == null || value.isBlank() ? otherwise : value.strip();
  }

  private static IPAddress address(
      String text, String field, boolean publicOnly, List<FieldError> errors) {
    try {
      IPAddress a = Prefixes.parse(text);
      if (!a.isIPv4() || a.getNetworkPrefixLength() != 32) {
        errors.add(FieldError.field(field, "one IPv4 address, e.g. 203.0.113.7"));
        return null;
      }
      if (publicOnly
          && (a.toIPv4().isPrivate() || a.isLoopback() || a.isMulticast() || a.isAnyLocal())) {
        errors.add(FieldError.field(field, "the public address the other end reaches it at"));
        return null;
      }
      return a;
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.field(field, e.getMessage()));
      return null;
    }
  }

  private static IPAddress prefix(String text, String field, List<FieldError> errors) {
    try {
      IPAddress p = Prefixes.parse(text);
      if (!p.isIPv4()) {
        errors.add(FieldError.field(field, "an IPv4 prefix"));
        return null;
      }
      return p;
    } catch (IllegalArgumentException e) {
      errors.add(FieldError.field(field, e.getMessage()));
      return null;
    }
  }
}
