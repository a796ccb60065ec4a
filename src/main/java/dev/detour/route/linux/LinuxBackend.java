package dev.detour.route.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.route.BatchBackend;
import dev.detour.route.Prefixes;
import dev.detour.route.Reconciler;
import dev.detour.route.RouterException;
import dev.detour.route.RouterRoute;
import dev.detour.route.RouterSettings;
import dev.detour.route.plan.Fence;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * This Linux host as the router: routes through the tunnel device with {@code ip route}, in a table
 * of Detour's own ({@code 1001} unless set) that an {@code ip rule} Detour keeps ({@code not iif
 * lo}) consults for forwarded traffic only — so the LAN's traffic takes the tunnel while Detour's
 * own probes still see the direct path and notice when a block lifts. Detour's routes carry its
 * protocol number ({@code linux-protocol}, 211), which is how they are told from the others — read
 * as a number whatever name an {@code rt_protos} file gives it.
 *
 * <p>IPv6 routes go to the same table as IPv4 ones, and the same rule is kept for both families.
 * {@code gateway} is the tunnel device ({@code gre1}, {@code wg0}), the next hop's address, or both
 * as {@code 192.0.2.1%vx0} (an Ethernet-like tunnel such as vxlan needs the next hop), with one
 * next hop per family if need be ({@link LinuxGateway}); a family without its own goes by the
 * device.
 *
 * <p>A sync's changes go as one {@code ip -batch} per family, each change still answered alone.
 */
public final class LinuxBackend implements BatchBackend {

  private static final Logger LOG = Logger.getLogger(LinuxBackend.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How {@code ip -force -batch} names a line it could not do: {@code Command failed -:3}. */
  private static final Pattern FAILED_LINE = Pattern.compile("Command failed -:(\\d+)");

  private final RouterSettings settings;
  private final LinuxGateway gateway;
  private final LinuxRule rule;
  private final String protocol;
  private final int protocolNumber;

  /** How ip prints protocols: numbers ({@code -N}), or names to read back; null until known. */
  private RouteProtocols protocols;

  public LinuxBackend(RouterSettings settings) {
    this(settings, null);
  }

  /**
   * @param protocols how {@code ip} prints routes' protocols: {@link RouteProtocols#numeric()} for
   *     {@code ip -N}, or the names of the {@code rt_protos} files; null to ask {@code ip}
   */
  LinuxBackend(RouterSettings settings, RouteProtocols protocols) {
    this.settings = settings;
    this.gateway = LinuxGateway.parse(settings.name(), settings.gateway());
    this.rule = new LinuxRule(settings);
    this.protocolNumber = settings.linuxProtocol();
    this.protocol = Integer.toString(protocolNumber);
    this.protocols = protocols;
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

  /** Detour's table, each route by protocol number; the rule is checked and mended first. */
  @Override
  public synchronized List<RouterRoute> list() throws RouterException {
    rule.keep();
    List<RouterRoute> all = new ArrayList<>();
    for (String family : List.of("-4", "-6")) {
      IpCommand.Result r = showRoutes(family);
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
          if (dst.equals("default") || !(type.equals("unicast") || type.equals("1"))) {
            all.add(foreign(dst.equals("default") ? family(family) : dst, route, true));
            continue;
          }
          int proto = protocols.number(route.path("protocol").asText(""));
          String prefix = Prefixes.normalise(dst);
          if (proto == protocolNumber) {
            all.add(owned(prefix, route, family.equals("-4")));
          } else {
            all.add(foreign(prefix, route, RouteProtocols.DYNAMIC.contains(proto)));
          }
        }
      } catch (IOException | IllegalArgumentException e) {
        throw new RouterException(
            RouterException.Kind.PROTOCOL, "cannot read ip's route list: " + e.getMessage());
      }
    }
    return all;
  }

  /**
   * {@code ip -N -j route show}: protocols as numbers. An {@code ip} older than {@code -N} is asked
   * without it, and the names it prints are read back through its {@code rt_protos} files.
   */
  private IpCommand.Result showRoutes(String family) throws RouterException {
    String table = settings.routingTable();
    if (protocols == null) {
      IpCommand.Result r = ip("-N", family, "-j", "route", "show", "table", table);
      if (!r.output().contains("\"-N\" is unknown")) {
        protocols = RouteProtocols.numeric();
        return r;
      }
      LOG.infof(
          "%s: this ip has no -N; route protocols are read through %s",
          settings.name(), RouteProtocols.FILES);
      protocols = RouteProtocols.named(RouteProtocols.FILES);
    }
    if (protocols.numbers()) {
      return ip("-N", family, "-j", "route", "show", "table", table);
    }
    return ip(family, "-j", "route", "show", "table", table);
  }

  @Override
  public synchronized RouterRoute add(String prefix, String comment) throws RouterException {
    IPAddress p = Prefixes.parse(prefix);
    IpCommand.Result r = ip(p, route(p, "add"));
    if (r.status() != 0) {
      throw IpCommand.failure("adding " + prefix, r.output());
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
    IpCommand.Result r = ip(p, route(p, "replace"));
    if (r.status() != 0) {
      throw IpCommand.failure("setting back " + route.prefix(), r.output());
    }
    Optional<String> metric = otherMetric(route);
    if (metric.isPresent()) {
      IpCommand.Result old = ip(p, delete(p, metric.get()));
      if (old.status() != 0 && !old.output().contains("No such process")) {
        throw IpCommand.failure("removing " + route.id(), old.output());
      }
    }
  }

  @Override
  public synchronized void remove(RouterRoute route) throws RouterException {
    IPAddress p = Prefixes.parse(route.prefix());
    IpCommand.Result r = ip(p, delete(p, null));
    if (r.status() != 0) {
      throw IpCommand.failure("removing " + route.prefix(), r.output());
    }
  }

  /**
   * The whole diff as one {@code ip -force -batch -} per family — one family per process, as {@code
   * ip -4} refuses an IPv6 prefix — with the lines ip reports failed ({@code Command failed -:3})
   * mapped back to their changes. A route set back from another metric loses its old route in a
   * second batch, only where the new one was made: no moment without a route.
   */
  @Override
  public synchronized Map<Integer, RouterException> applyAll(
      Reconciler.Diff diff, Map<String, String> comments) throws RouterException {
    Map<Integer, RouterException> refused = new HashMap<>();
    Batch v4 = new Batch("-4");
    Batch v6 = new Batch("-6");
    Batch oldMetrics4 = new Batch("-4");
    Batch oldMetrics6 = new Batch("-6");
    int change = 0;
    for (String prefix : diff.add()) {
      IPAddress p = Prefixes.parse(prefix);
      try {
        (p.isIPv4() ? v4 : v6).line(change, "adding " + prefix, route(p, "add"), false);
      } catch (RouterException e) {
        refused.put(change, e);
      }
      change++;
    }
    for (RouterRoute r : diff.update()) {
      IPAddress p = Prefixes.parse(r.prefix());
      try {
        (p.isIPv4() ? v4 : v6)
            .line(change, "setting back " + r.prefix(), route(p, "replace"), false);
        int c = change;
        otherMetric(r)
            .ifPresent(
                m ->
                    (p.isIPv4() ? oldMetrics4 : oldMetrics6)
                        .line(c, "removing " + r.id(), delete(p, m), true));
      } catch (RouterException e) {
        refused.put(change, e);
      }
      change++;
    }
    for (RouterRoute r : diff.remove()) {
      IPAddress p = Prefixes.parse(r.prefix());
      (p.isIPv4() ? v4 : v6).line(change, "removing " + r.prefix(), delete(p, null), false);
      change++;
    }
    v4.run(refused);
    v6.run(refused);
    oldMetrics4.skip(refused.keySet()).run(refused);
    oldMetrics6.skip(refused.keySet()).run(refused);
    return refused;
  }

  /** Lines for one {@code ip -batch}, each with the change it belongs to. */
  private final class Batch {
    private final String family;
    private final List<String> lines = new ArrayList<>();
    private final List<Integer> changes = new ArrayList<>();
    private final List<String> whats = new ArrayList<>();
    private final List<Boolean> goneIsDone = new ArrayList<>();

    Batch(String family) {
      this.family = family;
    }

    /**
     * @param goneIsDone whether a line that finds nothing to delete did its change's part
     */
    void line(int change, String what, List<String> args, boolean goneIsDone) {
      lines.add(String.join(" ", args));
      changes.add(change);
      whats.add(what);
      this.goneIsDone.add(goneIsDone);
    }

    /** The same batch without the lines of {@code changes}. */
    Batch skip(Set<Integer> changes) {
      Batch rest = new Batch(family);
      for (int i = 0; i < lines.size(); i++) {
        if (!changes.contains(this.changes.get(i))) {
          rest.lines.add(lines.get(i));
          rest.changes.add(this.changes.get(i));
          rest.whats.add(whats.get(i));
          rest.goneIsDone.add(goneIsDone.get(i));
        }
      }
      return rest;
    }

    /**
     * Runs the lines; each one ip reports failed refuses its change with what ip said before. An ip
     * that stopped short (an error without {@code Command failed}: it exits on a line it cannot
     * read) leaves the lines after the last one reported unknown, and those changes failed.
     */
    void run(Map<Integer, RouterException> refused) throws RouterException {
      if (lines.isEmpty()) {
        return;
      }
      IpCommand.Result r =
          IpCommand.run(
              List.of("ip", family, "-force", "-batch", "-"),
              String.join("\n", lines) + "\n",
              settings.timeout().plusMillis(lines.size()));
      if (r.status() == 0) {
        return;
      }
      StringBuilder said = new StringBuilder();
      int last = 0;
      for (String out : r.output().split("\n")) {
        Matcher failed = FAILED_LINE.matcher(out);
        if (!failed.find()) {
          said.append(said.isEmpty() ? "" : "; ").append(out.strip());
          continue;
        }
        int line = Integer.parseInt(failed.group(1));
        if (line >= 1 && line <= lines.size()) {
          int i = line - 1;
          String message = said.toString();
          if (!(goneIsDone.get(i) && message.contains("No such process"))) {
            refused.putIfAbsent(changes.get(i), IpCommand.failure(whats.get(i), message));
          }
          last = Math.max(last, line);
        }
        said.setLength(0);
      }
      if (!said.isEmpty() || last == 0) {
        String why = "ip -batch stopped: " + (said.isEmpty() ? r.output() : said);
        for (int i = last; i < lines.size(); i++) {
          refused.putIfAbsent(
              changes.get(i), new RouterException(RouterException.Kind.PROTOCOL, why));
        }
      }
    }
  }

  /** The metric of one of Detour's routes whose metric is not Detour's (its id says). */
  private static Optional<String> otherMetric(RouterRoute route) {
    int metric = route.id().indexOf(" metric ");
    return metric > 0
        ? Optional.of(route.id().substring(metric + " metric ".length()))
        : Optional.empty();
  }

  /** The {@code ip} arguments, family aside, that delete Detour's route (at {@code metric}). */
  private List<String> delete(IPAddress p, String metric) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "route",
                "del",
                p.toCanonicalString(),
                "table",
                settings.routingTable(),
                "proto",
                protocol));
    if (metric != null) {
      command.addAll(List.of("metric", metric));
    }
    return command;
  }

  /** The {@code ip} arguments, family aside, that add or replace Detour's route to {@code p}. */
  private List<String> route(IPAddress p, String verb) throws RouterException {
    List<String> command = new ArrayList<>(List.of("route", verb));
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

  /** {@code ip} for {@code p}'s family. */
  private IpCommand.Result ip(IPAddress p, List<String> args) throws RouterException {
    List<String> command = new ArrayList<>(List.of(p.isIPv4() ? "-4" : "-6"));
    command.addAll(args);
    return ip(command.toArray(String[]::new));
  }

  private IpCommand.Result ip(String... args) throws RouterException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    return IpCommand.run(command, settings.timeout());
  }
}
