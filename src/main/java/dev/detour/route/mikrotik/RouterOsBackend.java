package dev.detour.route.mikrotik;

import dev.detour.route.Prefixes;
import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException;
import dev.detour.route.RouterRoute;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig;
import dev.detour.route.plan.Fence;
import inet.ipaddr.IPAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What RouterOS means to Detour, whichever way it is spoken to: the menus it writes ({@code
 * /ip/route} or {@code /ip/firewall/address-list}, their {@code /ipv6} twins for IPv6 prefixes),
 * which table a route is in, how an entry becomes a {@link RouterRoute}, where fences come from. A
 * subclass only carries print, add and remove over its transport and says whether the router is
 * RouterOS 6; both speak in RouterOS's own terms, every value a string.
 *
 * <p>One sync at a time: every call holds this object's lock.
 */
abstract class RouterOsBackend implements RouterBackend {

  /**
   * The most a list of routes or address-list entries may take on the wire: read row by row, it
   * bounds the time a list takes rather than memory (about 1,300,000 static routes).
   */
  static final int LIST_CAP = 256 << 20;

  /** The most any other answer may take. */
  static final int ANSWER_CAP = 1 << 20;

  private static final String MAIN = "main";

  private static final List<String> ROUTE_PROPLIST =
      List.of(".id", "dst-address", "gateway", "comment", "dynamic", "distance", "disabled");

  /** Entries handed over one at a time, so a big list need not be held whole. */
  @FunctionalInterface
  interface RowSink {
    void accept(Map<String, String> row) throws RouterException;
  }

  final RouterSettings settings;

  RouterOsBackend(RouterSettings settings) {
    this.settings = settings;
  }

  /**
   * Whether the router runs RouterOS 6: its {@code /ip/route} names a table by {@code routing-mark}
   * (none for the main table) and its {@code /ipv6/route} has no tables at all, where RouterOS 7
   * names every route's {@code routing-table}.
   */
  abstract boolean routerOs6() throws RouterException;

  /**
   * Hands every entry of {@code menu} that matches {@code query} (equality on each attribute) to
   * {@code rows}, with only the attributes of {@code proplist}.
   *
   * @param cap the most bytes the answer may take ({@link RouterException.Kind#PROTOCOL} beyond)
   * @throws RouterException {@link RouterException.Kind#NOT_FOUND} when the menu does not exist
   */
  abstract void print(
      String menu, List<String> proplist, Map<String, String> query, int cap, RowSink rows)
      throws RouterException;

  /** Adds one entry; returns what the router says of it, at least its {@code .id}. */
  abstract Map<String, String> addEntry(String menu, Map<String, String> attributes)
      throws RouterException;

  /** The entry {@code id} of {@code menu} with the attributes of {@code proplist}, or null. */
  abstract Map<String, String> entry(String menu, String id, List<String> proplist)
      throws RouterException;

  /** Removes the entry {@code id} of {@code menu}. */
  abstract void removeEntry(String menu, String id) throws RouterException;

  /** Sets {@code attributes} of the entry {@code id} of {@code menu}, in place. */
  abstract void setEntry(String menu, String id, Map<String, String> attributes)
      throws RouterException;

  /**
   * Takes {@code attribute} off the entry {@code id}: RouterOS 6's {@code unset}, for a route that
   * should lose its {@code routing-mark} (be in the main table).
   */
  abstract void unsetEntry(String menu, String id, String attribute) throws RouterException;

  @Override
  public synchronized String describe() throws RouterException {
    Map<String, String> resource = resource();
    return "RouterOS "
        + release(resource)
        + " ("
        + resource.getOrDefault("board-name", "unknown board")
        + ")";
  }

  /** {@code /system/resource}'s version and board. */
  Map<String, String> resource() throws RouterException {
    List<Map<String, String>> rows =
        rows("system/resource", List.of("version", "board-name"), Map.of());
    if (rows.isEmpty() || rows.get(0).getOrDefault("version", "").isBlank()) {
      throw protocol("/system/resource has no version");
    }
    return rows.get(0);
  }

  /** The release, e.g. {@code 7.16} of {@code 7.16 (stable)}: the channel left out. */
  static String release(Map<String, String> resource) {
    return resource.get("version").strip().split(" ")[0];
  }

  /** The major version of a release, e.g. 6 of {@code 6.49.10}. */
  int major(String release) throws RouterException {
    try {
      return Integer.parseInt(release.split("\\.")[0]);
    } catch (NumberFormatException e) {
      throw protocol("/system/resource has a version without a number: " + release);
    }
  }

  /**
   * Asks the router only for what can be Detour's: static routes ({@code dynamic=false}: a full BGP
   * table, connected and OSPF routes stay on the router), or the entries of Detour's address list.
   * The answer is read row by row and only the rows kept are held: the user's static routes in
   * Detour's table (a wanted prefix the user already routes is left to the user) and Detour's own
   * wherever they are, with their drift — a route moved to another table by hand is set back.
   */
  @Override
  public synchronized List<RouterRoute> list() throws RouterException {
    List<RouterRoute> entries = new ArrayList<>();
    boolean routerOs6 = routes() && routerOs6();
    for (boolean ipv6 : new boolean[] {false, true}) {
      try {
        if (routes()) {
          Table table = table(routerOs6, ipv6);
          print(
              menu(ipv6),
              table.withAttribute(ROUTE_PROPLIST),
              Map.of("dynamic", "false"),
              LIST_CAP,
              row -> {
                RouterRoute route = route(row, table);
                if (route != null) {
                  entries.add(route);
                }
              });
        } else {
          print(
              menu(ipv6),
              List.of(".id", "list", "address", "comment", "dynamic", "disabled"),
              Map.of("list", settings.addressList(), "dynamic", "false"),
              LIST_CAP,
              row -> {
                RouterRoute entry = addressListEntry(row);
                if (entry != null) {
                  entries.add(entry);
                }
              });
        }
      } catch (RouterException e) {
        // A router without IPv6 (the package disabled) has no /ipv6 menus: nothing to list there.
        if (!ipv6 || e.kind() != RouterException.Kind.NOT_FOUND) {
          throw e;
        }
      }
    }
    return entries;
  }

  @Override
  public synchronized RouterRoute add(String prefix, String comment) throws RouterException {
    if (!settings.owns(comment)) {
      // An entry without Detour's mark could never be told from the user's again.
      throw new IllegalArgumentException(
          "a comment starting with '" + settings.commentPrefix() + "' is needed, not " + comment);
    }
    IPAddress address;
    try {
      address = Prefixes.parse(prefix);
    } catch (IllegalArgumentException e) {
      throw new RouterException(
          RouterException.Kind.REJECTED, "router " + settings.name() + ": " + e.getMessage());
    }
    String normalised = address.toCanonicalString();
    Map<String, String> attributes = new LinkedHashMap<>();
    if (routes()) {
      attributes.put("dst-address", normalised);
      attributes.put("gateway", settings.gateway());
      attributes.put("distance", Integer.toString(settings.distance()));
      table(routerOs6(), address.isIPv6()).writeInto(attributes);
    } else {
      attributes.put("list", settings.addressList());
      attributes.put("address", normalised);
    }
    attributes.put("comment", comment);
    String menu = menu(address.isIPv6());
    Map<String, String> created;
    try {
      created = addEntry(menu, attributes);
    } catch (RouterException e) {
      if (e.kind() != RouterException.Kind.NOT_FOUND) {
        throw e;
      }
      throw new RouterException(
          RouterException.Kind.REJECTED,
          "router " + settings.name() + ": there is no /" + menu + " (IPv6 disabled?)",
          e);
    }
    String id = created.get(".id");
    if (id == null || id.isBlank()) {
      throw protocol("the router gave no .id for the new entry " + normalised);
    }
    String written = created.getOrDefault(routes() ? "dst-address" : "address", normalised);
    return new RouterRoute(
        id,
        prefix(written),
        routes() ? created.getOrDefault("gateway", settings.gateway()) : null,
        created.getOrDefault("comment", comment),
        false,
        settings.owns(comment));
  }

  /**
   * Sets a drifted entry back: the gateway, distance and table Detour writes now, enabled. The id
   * is checked first, as for {@link #remove}.
   */
  @Override
  public synchronized void update(RouterRoute route) throws RouterException {
    boolean ipv6 = Prefixes.parse(route.prefix()).isIPv6();
    String menu = menu(ipv6);
    Table table = routes() ? table(routerOs6(), ipv6) : null;
    ownedEntry(route, menu, table);
    Map<String, String> attributes = new LinkedHashMap<>();
    if (table != null) {
      attributes.put("gateway", settings.gateway());
      attributes.put("distance", Integer.toString(settings.distance()));
      table.writeInto(attributes);
    }
    attributes.put("disabled", "false");
    setEntry(menu, route.id(), attributes);
    if (table != null && table.attribute() != null && !attributes.containsKey(table.attribute())) {
      // RouterOS 6's main table is no mark at all: a mark set by hand is taken off.
      unsetEntry(menu, route.id(), table.attribute());
    }
  }

  /**
   * Removes {@code route} after checking that its {@code .id} still names the same entry: ids are
   * numbered afresh when a router reboots, so an old one may now name another entry — perhaps one
   * of the user's. An id that names something else counts as gone.
   */
  @Override
  public synchronized void remove(RouterRoute route) throws RouterException {
    if (!route.owned()) {
      throw new RouterException(
          RouterException.Kind.REJECTED,
          "router " + settings.name() + ": " + route.prefix() + " is not Detour's to remove");
    }
    boolean ipv6 = Prefixes.parse(route.prefix()).isIPv6();
    String menu = menu(ipv6);
    ownedEntry(route, menu, routes() ? table(routerOs6(), ipv6) : null);
    removeEntry(menu, route.id());
  }

  /**
   * Checks that {@code route}'s id still names Detour's entry for its prefix — ids are numbered
   * afresh when a router reboots, so an old one may now name another entry, perhaps one of the
   * user's. An id that names something else counts as gone ({@link
   * RouterException.Kind#NOT_FOUND}). Any table will do: a route of Detour's moved to another table
   * is still Detour's to set back.
   */
  private void ownedEntry(RouterRoute route, String menu, Table table) throws RouterException {
    String key = routes() ? "dst-address" : "address";
    Map<String, String> entry =
        entry(
            menu,
            route.id(),
            table == null
                ? List.of(key, "comment", "list", "dynamic")
                : table.withAttribute(List.of(key, "comment", "dynamic")));
    if (entry == null
        || entry.get(key) == null
        || "true".equals(entry.get("dynamic"))
        || !prefix(entry.get(key)).equals(route.prefix())
        || !settings.owns(entry.get("comment"))
        || (table == null && !settings.addressList().equals(entry.get("list")))) {
      throw new RouterException(
          RouterException.Kind.NOT_FOUND,
          "router "
              + settings.name()
              + ": "
              + route.id()
              + " is no longer Detour's entry for "
              + route.prefix());
    }
  }

  /**
   * The far end (and near end) of the gateway if it is a GRE, EoIP or IPIP tunnel or a WireGuard
   * interface, and every address of the router itself, each as a single address.
   */
  @Override
  public synchronized List<Fence> fences() throws RouterException {
    return RouterOsFences.of(this);
  }

  @Override
  public synchronized Boolean gatewayUp() throws RouterException {
    List<Map<String, String>> rows =
        rows(
            "interface",
            List.of("name", "running", "disabled"),
            Map.of("name", settings.gateway()));
    return !rows.isEmpty()
        && "true".equals(rows.get(0).get("running"))
        && "false".equals(rows.get(0).get("disabled"));
  }

  RouterException protocol(String message) {
    return new RouterException(
        RouterException.Kind.PROTOCOL, "router " + settings.name() + ": " + message);
  }

  private boolean routes() {
    return settings.mode() == RoutersConfig.RouterMode.ROUTES;
  }

  private String menu(boolean ipv6) {
    return (ipv6 ? "ipv6" : "ip") + (routes() ? "/route" : "/firewall/address-list");
  }

  /**
   * Where Detour's routes of one family are: RouterOS 7 names the table of every route ({@code
   * routing-table}), RouterOS 6 names any but the main one ({@code routing-mark}) in {@code
   * /ip/route} and none in {@code /ipv6/route}, which has no policy routing: there Detour's IPv6
   * routes are in the main table, whatever table its IPv4 ones are in.
   */
  private Table table(boolean routerOs6, boolean ipv6) {
    if (!routerOs6) {
      return new Table("routing-table", settings.routingTable(), true);
    }
    return ipv6
        ? new Table(null, MAIN, false)
        : new Table("routing-mark", settings.routingTable(), false);
  }

  /**
   * A menu's table attribute (null where it has none) and the table Detour's routes are in there.
   *
   * @param mainNamed whether a route in the main table names it too
   */
  private record Table(String attribute, String table, boolean mainNamed) {

    /** The attributes to print: {@code proplist} and the table's. */
    List<String> withAttribute(List<String> proplist) {
      List<String> all = new ArrayList<>(proplist);
      if (attribute != null) {
        all.add(attribute);
      }
      return all;
    }

    /** Whether the route {@code row} is in this table: no attribute or an empty one is main. */
    boolean holds(Map<String, String> row) {
      String value = attribute == null ? null : row.get(attribute);
      return (value == null || value.isEmpty() ? MAIN : value).equals(table);
    }

    /** Names the table in a new route's attributes, where RouterOS takes it. */
    void writeInto(Map<String, String> attributes) {
      if (attribute != null && (mainNamed || !table.equals(MAIN))) {
        attributes.put(attribute, table);
      }
    }
  }

  /**
   * A static route as Detour sees it: Detour's own (its comment) wherever it is, with how it
   * differs from what Detour writes now; the user's only in Detour's table, where it may already
   * route a wanted prefix; null for the user's routes elsewhere.
   */
  private RouterRoute route(Map<String, String> row, Table table) throws RouterException {
    String id = row.get(".id");
    String destination = row.get("dst-address");
    if (id == null || destination == null) {
      throw protocol("a route without .id or dst-address");
    }
    boolean dynamic = "true".equals(row.get("dynamic"));
    String comment = row.get("comment");
    boolean owned = !dynamic && settings.owns(comment);
    if (!owned && !table.holds(row)) {
      return null;
    }
    String drift =
        owned
            ? RouterRoute.drift(
                RouterRoute.differs("gateway", row.get("gateway"), settings.gateway()),
                RouterRoute.differs(
                    "distance", row.get("distance"), Integer.toString(settings.distance())),
                table.holds(row)
                    ? null
                    : RouterRoute.differs(
                        table.attribute(), row.get(table.attribute()), table.table()),
                RouterRoute.differs("disabled", row.getOrDefault("disabled", "false"), "false"))
            : null;
    return new RouterRoute(
        id, prefix(destination), row.get("gateway"), comment, dynamic, owned, drift);
  }

  /**
   * An address-list entry, or null for one that is no prefix (a DNS name or a range, which Detour
   * never writes) or belongs to another list.
   */
  private RouterRoute addressListEntry(Map<String, String> row) throws RouterException {
    String id = row.get(".id");
    String address = row.get("address");
    if (id == null || address == null) {
      throw protocol("an address-list entry without .id or address");
    }
    if (!settings.addressList().equals(row.get("list"))) {
      return null;
    }
    String prefix;
    try {
      prefix = Prefixes.normalise(address);
    } catch (IllegalArgumentException e) {
      return null;
    }
    boolean dynamic = "true".equals(row.get("dynamic"));
    String comment = row.get("comment");
    boolean owned = !dynamic && settings.owns(comment);
    return new RouterRoute(
        id,
        prefix,
        null,
        comment,
        dynamic,
        owned,
        owned
            ? RouterRoute.differs("disabled", row.getOrDefault("disabled", "false"), "false")
            : null);
  }

  private String prefix(String text) throws RouterException {
    try {
      return Prefixes.normalise(text);
    } catch (IllegalArgumentException e) {
      throw protocol(e.getMessage());
    }
  }

  private List<Map<String, String>> rows(
      String menu, List<String> proplist, Map<String, String> query) throws RouterException {
    List<Map<String, String>> rows = new ArrayList<>();
    print(menu, proplist, query, ANSWER_CAP, rows::add);
    return rows;
  }

  /** The rows of a menu the router may not have (no such package, RouterOS 6): none then. */
  List<Map<String, String>> optionalRows(
      String menu, List<String> proplist, Map<String, String> query) throws RouterException {
    try {
      return rows(menu, proplist, query);
    } catch (RouterException e) {
      if (e.kind() == RouterException.Kind.NOT_FOUND) {
        return List.of();
      }
      throw e;
    }
  }

  /** The innermost message of a failure: what went wrong rather than where. */
  static String innermost(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
