package dev.detour.route.mikrotik;

import dev.detour.route.Prefixes;
import inet.ipaddr.IPAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLContext;

/**
 * An in-memory RouterOS router for tests, served over REST ({@link #restUrl}, {@link #restTlsUrl}:
 * RouterOS 7, {@code routing-table}) and the API protocol ({@link #apiPort}, {@link #apiTlsPort}),
 * all on 127.0.0.1 and started on first use. Over the API it speaks as the major version of its
 * {@link #resource} (7.16 unless set): RouterOS 6 names a route's table by {@code routing-mark} and
 * has no tables in {@code /ipv6/route}, RouterOS 7 names it by {@code routing-table}.
 *
 * <p>It starts as a small home router: ether1 (WAN, 203.0.113.7/24), bridge (LAN, 192.168.88.1/24
 * and fe80::1/64), ether1 also 2001:db8::1/64, a GRE tunnel {@code gre-tunnel1} from 203.0.113.7 to
 * 198.51.100.9, the connected routes it makes itself ({@code dynamic=true}, cannot be removed) and
 * the user's static default route. A menu's entries get ids {@code *1}, {@code *2}, ... counting up
 * in hex; a route's {@code dst-address} is written the way RouterOS writes it ({@code 1.2.3.4}
 * becomes {@code 1.2.3.4/32}, host bits cleared), an address-list entry's {@code address} without
 * {@code /32}.
 *
 * <p>Faults, each as RouterOS shows it: {@link #delay} (slow answers), {@link #failRequest} (a 500
 * or {@code !fatal} on the nth request from now), {@link #password} (the login changed), {@link
 * #sessionLimit} (more sessions refused: 503, {@code !fatal too many sessions}), {@link #reboot}
 * (ids numbered afresh, connections dropped), {@link #handDelete} and {@link #handEdit} (the user
 * changes Detour's routes), {@link #malformedJsonNext}, {@link #hugeAnswerNext}, {@link
 * #hostileLengthNext} and {@link #changeCertificate}. {@link #authorizationsSeen} and {@link
 * #loginsSeen} tell whether credentials were ever sent.
 */
public final class RouterOsEmulator implements AutoCloseable {

  public static final String USER = "detour";
  public static final String PASSWORD = "s3cret";

  private static final List<String> MENUS =
      List.of(
          "ip/route",
          "ipv6/route",
          "ip/firewall/address-list",
          "ipv6/firewall/address-list",
          "ip/address",
          "ipv6/address",
          "interface",
          "interface/gre",
          "interface/eoip",
          "interface/ipip",
          "interface/gre6",
          "interface/ipipv6",
          "interface/eoipv6",
          "interface/wireguard",
          "interface/wireguard/peers");

  private static final Set<String> ROUTE_ATTRIBUTES =
      Set.of("dst-address", "gateway", "distance", "routing-table", "comment", "disabled");
  private static final Set<String> LIST_ATTRIBUTES =
      Set.of("list", "address", "comment", "disabled", "timeout");

  /** A request RouterOS refuses: "no such item" (REST 404) or another failure (REST 400). */
  static final class Refusal extends Exception {
    final boolean notFound;

    Refusal(boolean notFound, String message) {
      super(message);
      this.notFound = notFound;
    }
  }

  /** What the next request gets instead of its answer. */
  enum Fault {
    NONE,
    FAIL,
    MALFORMED,
    HUGE,
    HOSTILE
  }

  private final Map<String, List<Map<String, String>>> menus = new LinkedHashMap<>();
  private final List<Feed> feeds = new ArrayList<>();
  private final Map<String, String> resource = new LinkedHashMap<>();
  private final Set<String> tables = new LinkedHashSet<>(List.of("main"));
  private final Map<String, Integer> nextIds = new LinkedHashMap<>();
  private String password = PASSWORD;
  private boolean legacyLogin;
  private boolean ipv6 = true;

  private Duration delay = Duration.ZERO;
  private int sessionLimit = Integer.MAX_VALUE;
  private long requests;
  private long failAt;
  private boolean malformedNext;
  private long hugeNext;
  private boolean hostileNext;
  private boolean changedCertificate;
  private int authorizationsSeen;
  private int loginsSeen;

  private EmulatedRest rest;
  private EmulatedRest restTls;
  private EmulatedApi api;
  private EmulatedApi apiTls;

  public RouterOsEmulator() {
    MENUS.forEach(menu -> menus.put(menu, new ArrayList<>()));
    resource.put("version", "7.16 (stable)");
    resource.put("board-name", "CHR");
    resource.put("uptime", "1d2h3m4s");
    resource.put("cpu-load", "1");
    put("interface", "name", "ether1", "type", "ether", "running", "true", "disabled", "false");
    put("interface", "name", "bridge", "type", "bridge", "running", "true", "disabled", "false");
    put(
        "interface",
        "name",
        "gre-tunnel1",
        "type",
        "gre-tunnel",
        "running",
        "true",
        "disabled",
        "false");
    put(
        "interface/gre",
        "name",
        "gre-tunnel1",
        "local-address",
        "203.0.113.7",
        "remote-address",
        "198.51.100.9",
        "disabled",
        "false");
    put("ip/address", "address", "203.0.113.7/24", "network", "203.0.113.0", "interface", "ether1");
    put(
        "ip/address",
        "address",
        "192.168.88.1/24",
        "network",
        "192.168.88.0",
        "interface",
        "bridge");
    put("ipv6/address", "address", "fe80::1/64", "interface", "bridge");
    put("ipv6/address", "address", "2001:db8::1/64", "interface", "ether1");
    connected("ip/route", "203.0.113.0/24", "ether1");
    connected("ip/route", "192.168.88.0/24", "bridge");
    connected("ipv6/route", "2001:db8::/64", "ether1");
    put(
        "ip/route",
        "dst-address",
        "0.0.0.0/0",
        "gateway",
        "203.0.113.1",
        "distance",
        "1",
        "routing-table",
        "main",
        "dynamic",
        "false",
        "disabled",
        "false");
  }

  // ---- the servers ------------------------------------------------------------------------

  /**
   * The settings of a router named {@code home} that is this emulator's REST API at {@code url}
   * (its address as seen from where Detour runs), routing into {@code gre-tunnel1}.
   */
  public static java.util.Map<String, String> homeRouter(String url) {
    return java.util.Map.of(
        "detour.routers.home.type", "mikrotik-rest",
        "detour.routers.home.url", url,
        "detour.routers.home.username", USER,
        "detour.routers.home.password", PASSWORD,
        "detour.routers.home.gateway", "gre-tunnel1");
  }

  /** {@code http://127.0.0.1:port}: the REST API without TLS (RouterOS's {@code www}). */
  public synchronized String restUrl() {
    if (rest == null) {
      rest = new EmulatedRest(this, false);
    }
    return rest.url();
  }

  /** {@code https://127.0.0.1:port}: the REST API with the router's certificate. */
  synchronized String restTlsUrl() {
    if (restTls == null) {
      restTls = new EmulatedRest(this, true);
    }
    return restTls.url();
  }

  /** The API protocol's port without TLS (RouterOS's {@code api}). */
  public synchronized int apiPort() {
    if (api == null) {
      api = new EmulatedApi(this, false);
    }
    return api.port();
  }

  /** The API protocol's port with TLS (RouterOS's {@code api-ssl}). */
  synchronized int apiTlsPort() {
    if (apiTls == null) {
      apiTls = new EmulatedApi(this, true);
    }
    return apiTls.port();
  }

  @Override
  public synchronized void close() {
    for (AutoCloseable server : new AutoCloseable[] {rest, restTls, api, apiTls}) {
      if (server != null) {
        try {
          server.close();
        } catch (Exception e) {
          // The next test gets new ports anyway.
        }
      }
    }
  }

  // ---- fault switches ---------------------------------------------------------------------

  /** Every answer comes this much later. */
  /** The most REST requests answered at one time, and how many came (the plain REST server). */
  public synchronized int restMostInFlight() {
    return rest == null ? 0 : rest.mostInFlight();
  }

  public synchronized long restRequests() {
    return rest == null ? 0 : rest.served();
  }

  public synchronized RouterOsEmulator delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  /** The {@code n}th request from now (1 = the next) gets a 500 or {@code !fatal}. */
  synchronized RouterOsEmulator failRequest(int n) {
    this.failAt = requests + n;
    return this;
  }

  /** The password the router now takes (the user changed it). */
  synchronized RouterOsEmulator password(String password) {
    this.password = password;
    return this;
  }

  /** The API login answers with a challenge, as before RouterOS 6.43. */
  synchronized RouterOsEmulator legacyLogin() {
    this.legacyLogin = true;
    return this;
  }

  /** At most {@code n} sessions at once (API connections, REST requests in flight). */
  synchronized RouterOsEmulator sessionLimit(int n) {
    this.sessionLimit = n;
    return this;
  }

  /** The next answer over REST is cut off in the middle of its JSON. */
  synchronized RouterOsEmulator malformedJsonNext() {
    this.malformedNext = true;
    return this;
  }

  /** The next answer over REST is a JSON array of {@code bytes} bytes. */
  synchronized RouterOsEmulator hugeAnswerNext(long bytes) {
    this.hugeNext = bytes;
    return this;
  }

  /** The next API reply starts with a word length of 2 GiB and then sends nothing. */
  synchronized RouterOsEmulator hostileLengthNext() {
    this.hostileNext = true;
    return this;
  }

  /** The IPv6 package is disabled: no {@code /ipv6} menus. */
  synchronized RouterOsEmulator withoutIpv6() {
    this.ipv6 = false;
    return this;
  }

  /** A routing table (RouterOS 7 {@code /routing/table}, RouterOS 6 a routing mark). */
  synchronized RouterOsEmulator routingTable(String name) {
    tables.add(name);
    return this;
  }

  /**
   * A routing feed's {@code count} IPv4 routes in {@code /ip/route}, held compactly (an entry is
   * made only when printed): consecutive /24s from {@code first}, through {@code gateway}, in
   * {@code table}. Dynamic ones are a BGP session's ({@code bgp=true}, distance 20, cannot be
   * changed), as a full table (about 1,000,000) or an antifilter feed (about 30,000) would be;
   * static ones a user's imported list.
   */
  public synchronized RouterOsEmulator feed(
      String first, int count, boolean dynamic, String gateway, String table) {
    tables.add(table);
    int base = (int) Prefixes.parse(first).getLower().getValue().longValue();
    feeds.add(new Feed(base, count, dynamic, gateway, table, nextIds.getOrDefault("ip/route", 0)));
    nextIds.merge("ip/route", count, Integer::sum);
    return this;
  }

  /** The user's route list grows by {@code count} of Detour's own from an earlier sync. */
  public synchronized void detoursRoutes(String first, int count, String comment) {
    int base = (int) Prefixes.parse(first).getLower().getValue().longValue();
    for (int i = 0; i < count; i++) {
      put(
          "ip/route",
          "dst-address",
          slash24(base, i),
          "gateway",
          "gre-tunnel1",
          "distance",
          "1",
          "routing-table",
          "main",
          "comment",
          comment,
          "dynamic",
          "false",
          "disabled",
          "false");
    }
  }

  /** The {@code i}th /24 from the address {@code base} (an IPv4 address as an int). */
  public static String slash24(int base, int i) {
    int a = base + (i << 8);
    return (a >>> 24) + "." + ((a >>> 16) & 255) + "." + ((a >>> 8) & 255) + ".0/24";
  }

  /** The routes of a feed, made when printed. */
  private record Feed(
      int base, int count, boolean dynamic, String gateway, String table, int firstId) {

    /** What every route of the feed has: a query on these needs no route made. */
    Map<String, String> shared() {
      Map<String, String> shared = new LinkedHashMap<>();
      shared.put("gateway", gateway);
      shared.put("distance", dynamic ? "20" : "1");
      shared.put("routing-table", table);
      shared.put("dynamic", Boolean.toString(dynamic));
      shared.put("disabled", "false");
      if (dynamic) {
        shared.put("bgp", "true");
      }
      return shared;
    }

    /** The index of the route with {@code id} in this feed, or -1. */
    int index(String id) {
      try {
        int i = Integer.parseInt(id.substring(1), 16) - firstId - 1;
        return id.startsWith("*") && i >= 0 && i < count ? i : -1;
      } catch (NumberFormatException | IndexOutOfBoundsException e) {
        return -1;
      }
    }

    Map<String, String> route(int i) {
      Map<String, String> route = new LinkedHashMap<>();
      route.put(".id", "*" + Integer.toHexString(firstId + i + 1).toUpperCase());
      route.put("dst-address", slash24(base, i));
      route.putAll(shared());
      return route;
    }
  }

  /** {@code /system/resource}'s version and board name; the version says how the API speaks. */
  synchronized RouterOsEmulator resource(String version, String board) {
    resource.put("version", version);
    resource.put("board-name", board);
    return this;
  }

  /**
   * Reboots: every entry numbered afresh from {@code *1} in its order (so an old id may now name
   * another entry), static entries kept, connections dropped.
   */
  synchronized void reboot() {
    nextIds.clear();
    menus.forEach(
        (menu, entries) -> {
          for (Map<String, String> entry : entries) {
            entry.put(".id", newId(menu));
          }
        });
    dropConnections();
  }

  /** The router presents the other, self-signed certificate from now on; connections drop. */
  synchronized void changeCertificate() {
    changedCertificate = true;
    dropConnections();
  }

  /** The user deletes the route to {@code dst} by hand. */
  synchronized void handDelete(String dst) {
    menus.get("ip/route").removeIf(e -> e.get("dst-address").equals(Prefixes.normalise(dst)));
  }

  /** The user changes one attribute of the route to {@code dst} by hand. */
  synchronized void handEdit(String dst, String attribute, String value) {
    for (Map<String, String> entry : menus.get("ip/route")) {
      if (entry.get("dst-address").equals(Prefixes.normalise(dst))) {
        entry.put(attribute, value);
      }
    }
  }

  /** Sets an interface's {@code running} and {@code disabled}. */
  public synchronized void interfaceState(String name, boolean running, boolean disabled) {
    for (Map<String, String> entry : menus.get("interface")) {
      if (entry.get("name").equals(name)) {
        entry.put("running", Boolean.toString(running));
        entry.put("disabled", Boolean.toString(disabled));
      }
    }
  }

  // ---- what tests look at -----------------------------------------------------------------

  /** A copy of every entry of a menu, e.g. {@code ip/route}. */
  public synchronized List<Map<String, String>> entries(String menu) {
    List<Map<String, String>> copy = new ArrayList<>();
    menus.get(menu).forEach(e -> copy.add(new LinkedHashMap<>(e)));
    return copy;
  }

  /** The route to {@code dst} as RouterOS writes it, or null. */
  public synchronized Map<String, String> route(String dst) {
    String normalised = Prefixes.normalise(dst);
    return entries(dst.contains(":") ? "ipv6/route" : "ip/route").stream()
        .filter(e -> e.get("dst-address").equals(normalised))
        .findFirst()
        .orElse(null);
  }

  /** REST requests that carried an Authorization header. */
  synchronized int authorizationsSeen() {
    return authorizationsSeen;
  }

  /** API {@code /login} sentences received. */
  synchronized int loginsSeen() {
    return loginsSeen;
  }

  // ---- for the servers --------------------------------------------------------------------

  synchronized SSLContext sslContext() {
    return TestCertificates.serverContext(
        changedCertificate ? TestCertificates.other() : TestCertificates.router());
  }

  synchronized Duration delay() {
    return delay;
  }

  synchronized int sessionLimit() {
    return sessionLimit;
  }

  /** Whether {@code /system/resource} says RouterOS 6 (or older). */
  synchronized boolean routerOs6() {
    return Integer.parseInt(resource.get("version").split("\\.")[0]) < 7;
  }

  synchronized boolean legacy() {
    return legacyLogin;
  }

  synchronized boolean checkLogin(String user, String pass) {
    return USER.equals(user) && password.equals(pass);
  }

  synchronized String password() {
    return password;
  }

  synchronized void sawAuthorization() {
    authorizationsSeen++;
  }

  synchronized void sawLogin() {
    loginsSeen++;
  }

  /** Counts a request and says which fault, if any, it meets. */
  synchronized Fault nextFault() {
    requests++;
    if (requests == failAt) {
      return Fault.FAIL;
    }
    if (malformedNext) {
      malformedNext = false;
      return Fault.MALFORMED;
    }
    if (hugeNext > 0) {
      return Fault.HUGE;
    }
    if (hostileNext) {
      hostileNext = false;
      return Fault.HOSTILE;
    }
    return Fault.NONE;
  }

  synchronized long takeHuge() {
    long bytes = hugeNext;
    hugeNext = 0;
    return bytes;
  }

  // ---- RouterOS's menus -------------------------------------------------------------------

  synchronized List<Map<String, String>> print(String menu, Map<String, String> query)
      throws Refusal {
    List<Map<String, String>> found = new ArrayList<>();
    if (menu.equals("system/resource")) {
      found.add(new LinkedHashMap<>(resource));
      return found;
    }
    for (Map<String, String> entry : menu(menu)) {
      if (matches(entry, query)) {
        found.add(new LinkedHashMap<>(entry));
      }
    }
    if (menu.equals("ip/route")) {
      for (Feed feed : feeds) {
        Map<String, String> shared = feed.shared();
        if (query.entrySet().stream()
            .anyMatch(
                q ->
                    shared.containsKey(q.getKey())
                        && !q.getValue().equals(shared.get(q.getKey())))) {
          continue; // e.g. dynamic=false: a BGP feed is passed over whole, as RouterOS would
        }
        int from = 0;
        int to = feed.count();
        if (query.containsKey(".id")) { // one entry by its id: no need to make the others
          from = feed.index(query.get(".id"));
          to = from < 0 ? from : from + 1;
        }
        for (int i = from; i < to; i++) {
          Map<String, String> route = feed.route(i);
          if (matches(route, query)) {
            found.add(route);
          }
        }
      }
    }
    return found;
  }

  private static boolean matches(Map<String, String> entry, Map<String, String> query) {
    for (Map.Entry<String, String> q : query.entrySet()) {
      if (!q.getValue().equals(entry.get(q.getKey()))) {
        return false;
      }
    }
    return true;
  }

  synchronized Map<String, String> get(String menu, String id) throws Refusal {
    return new LinkedHashMap<>(find(menu, id));
  }

  synchronized Map<String, String> add(String menu, Map<String, String> attributes) throws Refusal {
    List<Map<String, String>> entries = writable(menu);
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put(".id", "");
    if (menu.endsWith("/route")) {
      check(attributes, ROUTE_ATTRIBUTES);
      entry.put("dst-address", destination(menu, attributes.getOrDefault("dst-address", "")));
      entry.put("gateway", attributes.getOrDefault("gateway", ""));
      entry.put("distance", attributes.getOrDefault("distance", "1"));
      entry.put("routing-table", table(attributes.getOrDefault("routing-table", "main")));
      for (Map<String, String> other : entries) {
        if (other.get("dst-address").equals(entry.get("dst-address"))
            && other.get("gateway").equals(entry.get("gateway"))
            && other.get("routing-table").equals(entry.get("routing-table"))) {
          throw new Refusal(false, "failure: already have such route");
        }
      }
    } else {
      check(attributes, LIST_ATTRIBUTES);
      String list = attributes.get("list");
      if (list == null || list.isEmpty()) {
        throw new Refusal(false, "failure: list not specified");
      }
      entry.put("list", list);
      entry.put("address", listAddress(menu, attributes.getOrDefault("address", "")));
      for (Map<String, String> other : entries) {
        if (other.get("list").equals(list) && other.get("address").equals(entry.get("address"))) {
          throw new Refusal(false, "failure: already have such entry");
        }
      }
    }
    if (attributes.containsKey("comment")) {
      entry.put("comment", attributes.get("comment"));
    }
    entry.put("dynamic", "false");
    entry.put("disabled", attributes.getOrDefault("disabled", "false"));
    entry.put(".id", newId(menu));
    entries.add(entry);
    return new LinkedHashMap<>(entry);
  }

  synchronized Map<String, String> set(String menu, String id, Map<String, String> attributes)
      throws Refusal {
    writable(menu);
    Map<String, String> entry = find(menu, id);
    check(attributes, menu.endsWith("/route") ? ROUTE_ATTRIBUTES : LIST_ATTRIBUTES);
    if ("true".equals(entry.get("dynamic"))) {
      throw new Refusal(false, "failure: cannot change dynamic entry");
    }
    for (Map.Entry<String, String> change : attributes.entrySet()) {
      String value = change.getValue();
      switch (change.getKey()) {
        case "dst-address" -> value = destination(menu, value);
        case "address" -> value = listAddress(menu, value);
        case "routing-table" -> value = table(value);
        default -> {}
      }
      entry.put(change.getKey(), value);
    }
    return new LinkedHashMap<>(entry);
  }

  /**
   * {@code unset}: the attribute back to its default — a route's table to main (RouterOS 6: no
   * routing-mark), a comment gone.
   */
  synchronized void unset(String menu, String id, String name) throws Refusal {
    writable(menu);
    Map<String, String> entry = find(menu, id);
    if ("true".equals(entry.get("dynamic"))) {
      throw new Refusal(false, "failure: cannot change dynamic entry");
    }
    switch (name) {
      case "routing-table" -> entry.put(name, "main");
      case "comment" -> entry.remove(name);
      default -> throw new Refusal(false, "unknown parameter " + name);
    }
  }

  synchronized void remove(String menu, String id) throws Refusal {
    writable(menu);
    Map<String, String> entry = find(menu, id);
    if ("true".equals(entry.get("dynamic"))) {
      throw new Refusal(false, "failure: cannot remove dynamic entry");
    }
    menus.get(menu).remove(entry);
  }

  private List<Map<String, String>> menu(String menu) throws Refusal {
    List<Map<String, String>> entries = menus.get(menu);
    if (entries == null || (!ipv6 && menu.startsWith("ipv6/"))) {
      throw new Refusal(false, "no such command prefix");
    }
    return entries;
  }

  private List<Map<String, String>> writable(String menu) throws Refusal {
    List<Map<String, String>> entries = menu(menu);
    if (!menu.endsWith("/route") && !menu.endsWith("/address-list")) {
      throw new Refusal(false, "no such command");
    }
    return entries;
  }

  private Map<String, String> find(String menu, String id) throws Refusal {
    for (Map<String, String> entry : menu(menu)) {
      if (entry.get(".id").equals(id)) {
        return entry;
      }
    }
    throw new Refusal(true, "no such item");
  }

  private static void check(Map<String, String> attributes, Set<String> known) throws Refusal {
    for (String name : attributes.keySet()) {
      if (!known.contains(name)) {
        throw new Refusal(false, "unknown parameter " + name);
      }
    }
  }

  private String table(String name) throws Refusal {
    if (!tables.contains(name)) {
      throw new Refusal(false, "input does not match any value of routing-table");
    }
    return name;
  }

  private static String destination(String menu, String text) throws Refusal {
    return parse(menu, "dst-address", text).toCanonicalString();
  }

  /** RouterOS shows a single address in an address list without its /32 or /128. */
  private static String listAddress(String menu, String text) throws Refusal {
    IPAddress address = parse(menu, "address", text);
    String canonical = address.toCanonicalString();
    return address.getPrefixLength() == address.getBitCount()
        ? canonical.substring(0, canonical.indexOf('/'))
        : canonical;
  }

  private static IPAddress parse(String menu, String argument, String text) throws Refusal {
    try {
      IPAddress address = Prefixes.parse(text);
      if (address.isIPv6() == menu.startsWith("ipv6/")) {
        return address;
      }
    } catch (IllegalArgumentException e) {
      // refused below
    }
    throw new Refusal(false, "invalid value for argument " + argument);
  }

  private void connected(String menu, String dst, String gateway) {
    put(
        menu,
        "dst-address",
        dst,
        "gateway",
        gateway,
        "distance",
        "0",
        "routing-table",
        "main",
        "dynamic",
        "true",
        "disabled",
        "false",
        "connect",
        "true");
  }

  /** An entry the router has of itself or the user made: attributes as name, value pairs. */
  synchronized void put(String menu, String... pairs) {
    Map<String, String> entry = new LinkedHashMap<>();
    entry.put(".id", newId(menu));
    for (int i = 0; i < pairs.length; i += 2) {
      entry.put(pairs[i], pairs[i + 1]);
    }
    menus.get(menu).add(entry);
  }

  /** Each menu numbers its own entries, as RouterOS does. */
  private String newId(String menu) {
    int id = nextIds.merge(menu, 1, Integer::sum);
    return "*" + Integer.toHexString(id).toUpperCase();
  }

  private void dropConnections() {
    if (rest != null) {
      rest.restart();
    }
    if (restTls != null) {
      restTls.restart();
    }
    if (api != null) {
      api.dropConnections();
    }
    if (apiTls != null) {
      apiTls.dropConnections();
    }
  }
}
