package dev.detour.route.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.route.Prefixes;
import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException;
import dev.detour.route.RouterRoute;
import dev.detour.route.RouterSettings;
import dev.detour.route.plan.Fence;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * This Linux host as the router: routes through the tunnel device with {@code ip route}, in a table
 * of Detour's own ({@code 1001} unless set) that an {@code ip rule} Detour keeps ({@code not iif
 * lo}) consults for forwarded traffic only — so the LAN's traffic takes the tunnel while Detour's
 * own probes still see the direct path and notice when a block lifts. Detour's routes carry its
 * protocol number ({@code linux-protocol}, 211), which is how they are told from the others.
 *
 * <p>IPv6 routes go to the same table as IPv4 ones, and the same rule is kept for both families.
 * {@code gateway} is the tunnel device ({@code gre1}, {@code wg0}), the next hop's address, or both
 * as {@code 192.0.2.1%vx0} (an Ethernet-like tunnel such as vxlan needs the next hop), with one
 * next hop per family if need be ({@link LinuxGateway}); a family without its own goes by the
 * device.
 */
public final class LinuxBackend implements RouterBackend {

  /** Protocols of routes the kernel or a routing daemon made: never the user's hand-made ones. */
  private static final Set<String> DYNAMIC =
      Set.of("kernel", "dhcp", "ra", "bgp", "ospf", "isis", "rip", "zebra", "bird", "babel");

  private static final int RULE_PRIORITY = 20000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouterSettings settings;
  private final LinuxGateway gateway;
  private final String protocol;
  private boolean ruleChecked;

  public LinuxBackend(RouterSettings settings) {
    this.settings = settings;
    this.gateway = LinuxGateway.parse(settings.name(), settings.gateway());
    protocol = Integer.toString(settings.linuxProtocol());
  }

  @Override
  public synchronized String describe() throws RouterException {
    IpCommand.Result r = IpCommand.run(List.of("uname", "-sr"), settings.timeout());
    Boolean up = gatewayUp();
    return r.output()
        + ", table "
        + settings.routingTable()
        + ", "
        + gateway.describe()
        + (up == null ? "" : up ? " (up)" : " (down)");
  }

  @Override
  public synchronized List<RouterRoute> list() throws RouterException {
    ensureRule();
    List<RouterRoute> all = new ArrayList<>();
    for (String family : List.of("-4", "-6")) {
      IpCommand.Result r = ip(family, "-j", "route", "show", "table", settings.routingTable());
      if (r.status() != 0) {
        if (r.output().contains("does not exist")) {
          continue; // a table with no routes yet
        }
        throw new RouterException(RouterException.Kind.UNREACHABLE, "ip route: " + r.output());
      }
      try {
        JsonNode routes = JSON.readTree(r.output().isEmpty() ? "[]" : r.output());
        for (JsonNode route : routes) {
          String dst = route.path("dst").asText("");
          String type = route.path("type").asText("unicast");
          if (dst.equals("default") || !type.equals("unicast")) {
            all.add(foreign(dst.equals("default") ? family(family) : dst, route, true));
            continue;
          }
          String proto = route.path("protocol").asText("boot");
          String prefix = Prefixes.normalise(dst);
          if (proto.equals(protocol)) {
            all.add(owned(prefix, route, family.equals("-4")));
          } else {
            all.add(foreign(prefix, route, DYNAMIC.contains(proto)));
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new RouterException(
            RouterException.Kind.PROTOCOL, "cannot read ip's route list: " + e.getMessage());
      }
    }
    return all;
  }

  @Override
  public synchronized RouterRoute add(String prefix, String comment) throws RouterException {
    IPAddress p = Prefixes.parse(prefix);
    IpCommand.Result r = ip(route(p, "add").toArray(String[]::new));
    if (r.status() != 0) {
      throw failure("adding " + prefix, r.output());
    }
    return new RouterRoute(
        p.toCanonicalString(), p.toCanonicalString(), settings.gateway(), null, false, true);
  }

  /**
   * {@code ip route replace}: the route goes through the wanted next hop at once, with no moment
   * without it. A route at another metric is another route to the kernel, so it is deleted after.
   */
  @Override
  public synchronized void update(RouterRoute route) throws RouterException {
    IPAddress p = Prefixes.parse(route.prefix());
    IpCommand.Result r = ip(route(p, "replace").toArray(String[]::new));
    if (r.status() != 0) {
      throw failure("setting back " + route.prefix(), r.output());
    }
    int metric = route.id().indexOf(" metric ");
    if (metric > 0) {
      IpCommand.Result old =
          ip(
              p.isIPv4() ? "-4" : "-6",
              "route",
              "del",
              p.toCanonicalString(),
              "table",
              settings.routingTable(),
              "proto",
              protocol,
              "metric",
              route.id().substring(metric + " metric ".length()));
      if (old.status() != 0 && !old.output().contains("No such process")) {
        throw failure("removing " + route.id(), old.output());
      }
    }
  }

  /** The {@code ip} arguments that add or replace Detour's route to {@code p}. */
  private List<String> route(IPAddress p, String verb) throws RouterException {
    List<String> command = new ArrayList<>(List.of(p.isIPv4() ? "-4" : "-6", "route", verb));
    command.add(p.toCanonicalString());
    // A route cannot take a next hop of the other family: without its own it goes by the device.
    Optional<String> via = gateway.via(p.isIPv4());
    if (via.isPresent()) {
      command.addAll(List.of("via", via.get()));
    } else if (gateway.device() == null) {
      throw new RouterException(
          RouterException.Kind.REJECTED,
          "routing "
              + p.toCanonicalString()
              + ": the gateway "
              + settings.gateway()
              + " has no IPv"
              + (p.isIPv4() ? "4" : "6")
              + " next hop and no device");
    }
    if (gateway.device() != null) {
      command.addAll(List.of("dev", gateway.device()));
      if (via.isPresent() && !p.isIPv4()) {
        // The next hop is on the tunnel's link by configuration. IPv6 checks a next hop by a
        // policy lookup out of the device, and a rule that sends the device's traffic to another
        // table (the tunnel's own, "oif vx0 lookup 100", where the far end is a gateway route)
        // makes the kernel refuse it: "No route to host" (the censorship lab's home has one).
        command.add("onlink");
      }
    }
    command.addAll(
        List.of(
            "table",
            settings.routingTable(),
            "proto",
            protocol,
            "metric",
            Integer.toString(settings.distance())));
    return command;
  }

  /**
   * One of Detour's routes, its id the route spec ({@code prefix}, and {@code metric n} where the
   * metric is not Detour's), with how it differs from what Detour writes now: its next hop, its
   * device, its metric.
   */
  private RouterRoute owned(String prefix, JsonNode route, boolean ipv4) {
    String metric = route.path("metric").asText("0");
    String wantedMetric = Integer.toString(settings.distance());
    String drift =
        RouterRoute.drift(
            RouterRoute.differs(
                "via", route.path("gateway").asText(""), gateway.via(ipv4).orElse("")),
            gateway.device() == null
                ? null
                : RouterRoute.differs("dev", route.path("dev").asText(""), gateway.device()),
            RouterRoute.differs("metric", metric, wantedMetric));
    return new RouterRoute(
        metric.equals(wantedMetric) ? prefix : prefix + " metric " + metric,
        prefix,
        gateway(route),
        null,
        false,
        true,
        drift);
  }

  @Override
  public synchronized void remove(RouterRoute route) throws RouterException {
    IPAddress p = Prefixes.parse(route.prefix());
    IpCommand.Result r =
        ip(
            p.isIPv4() ? "-4" : "-6",
            "route",
            "del",
            p.toCanonicalString(),
            "table",
            settings.routingTable(),
            "proto",
            protocol);
    if (r.status() != 0) {
      throw failure("removing " + route.prefix(), r.output());
    }
  }

  @Override
  public synchronized List<Fence> fences() throws RouterException {
    List<Fence> all = new ArrayList<>();
    for (boolean ipv4 : new boolean[] {true, false}) {
      gateway
          .via(ipv4)
          .ifPresent(
              via -> all.add(new Fence(Prefixes.normalise(via), "the tunnel's next hop " + via)));
    }
    String device = gateway.device();
    if (device != null) {
      IpCommand.Result r = ip("-j", "-d", "link", "show", "dev", device);
      if (r.status() == 0) {
        try {
          JsonNode info = JSON.readTree(r.output()).path(0).path("linkinfo").path("info_data");
          for (String field : List.of("remote", "local", "remote6", "local6")) {
            String a = info.path(field).asText("");
            if (!a.isEmpty() && new IPAddressString(a).isIPAddress()) {
              all.add(new Fence(Prefixes.normalise(a), "the tunnel's endpoint " + a));
            }
          }
        } catch (IOException e) {
          throw new RouterException(RouterException.Kind.PROTOCOL, "cannot read ip link's output");
        }
      }
    }
    return all;
  }

  @Override
  public synchronized Boolean gatewayUp() throws RouterException {
    if (gateway.device() == null) {
      return null;
    }
    IpCommand.Result r = ip("-j", "link", "show", "dev", gateway.device());
    if (r.status() != 0) {
      return false;
    }
    try {
      JsonNode flags = JSON.readTree(r.output()).path(0).path("flags");
      boolean up = false;
      boolean lower = false;
      for (JsonNode f : flags) {
        up |= f.asText().equals("UP");
        lower |= f.asText().equals("LOWER_UP");
      }
      return up && lower;
    } catch (IOException e) {
      throw new RouterException(RouterException.Kind.PROTOCOL, "cannot read ip link's output");
    }
  }

  /**
   * Keeps the rule that sends forwarded traffic to Detour's table, unless the table is {@code main}
   * or the rule is switched off ({@code linux-rule=none}).
   */
  private void ensureRule() throws RouterException {
    String table = settings.routingTable();
    if (ruleChecked
        || settings.linuxRule().equals("none")
        || table.equals("main")
        || table.equals("254")) {
      return;
    }
    for (String family : List.of("-4", "-6")) {
      IpCommand.Result r = ip(family, "-j", "rule", "show");
      if (r.status() == 0 && hasRule(r.output(), table)) {
        continue;
      }
      List<String> command = new ArrayList<>(List.of(family, "rule", "add"));
      command.addAll(List.of(settings.linuxRule().strip().split("\\s+")));
      command.addAll(List.of("lookup", table, "pref", Integer.toString(RULE_PRIORITY)));
      IpCommand.Result added = ip(command.toArray(String[]::new));
      if (added.status() != 0) {
        throw new RouterException(
            RouterException.Kind.REJECTED,
            "cannot add the rule for table " + table + ": " + added.output());
      }
    }
    ruleChecked = true;
  }

  private static boolean hasRule(String json, String table) throws RouterException {
    try {
      for (JsonNode rule : JSON.readTree(json.isEmpty() ? "[]" : json)) {
        if (rule.path("table").asText().equals(table)) {
          return true;
        }
      }
      return false;
    } catch (IOException e) {
      throw new RouterException(RouterException.Kind.PROTOCOL, "cannot read ip rule's output");
    }
  }

  /** One route refused is that route's problem; no permission is everyone's. */
  private static RouterException failure(String what, String output) {
    RouterException.Kind kind =
        output.contains("No such process")
            ? RouterException.Kind.NOT_FOUND
            : output.contains("Operation not permitted")
                ? RouterException.Kind.AUTH
                : RouterException.Kind.REJECTED;
    return new RouterException(kind, what + ": " + output);
  }

  private static RouterRoute foreign(String prefix, JsonNode route, boolean dynamic) {
    return new RouterRoute(prefix, prefix, gateway(route), null, dynamic, false);
  }

  private static String gateway(JsonNode route) {
    String via = route.path("gateway").asText("");
    String dev = route.path("dev").asText("");
    return via.isEmpty() ? dev : dev.isEmpty() ? via : via + "%" + dev;
  }

  private static String family(String flag) {
    return flag.equals("-4") ? "0.0.0.0/0" : "::/0";
  }

  private IpCommand.Result ip(String... args) throws RouterException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    return IpCommand.run(command, settings.timeout());
  }
}
