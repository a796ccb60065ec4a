package dev.detour.route.mikrotik;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulated router's REST API (RouterOS 7), as the REST manual has it: GET prints (with {@code
 * .proplist} and {@code name=value} filters) or gets one entry by id, PUT adds and answers the new
 * entry, PATCH sets and answers the changed one, DELETE removes and answers nothing, POST runs a
 * console command ({@link #post}). Errors are RouterOS's JSON objects: {@code error} (the status),
 * {@code message} (its reason phrase) and, for a refused command, {@code detail} (the API's trap
 * message).
 */
final class EmulatedRest implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouterOsEmulator router;
  private final boolean https;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger mostInFlight = new AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong served =
      new java.util.concurrent.atomic.AtomicLong();
  private HttpServer server;
  private ExecutorService executor;
  private int port;

  EmulatedRest(RouterOsEmulator router, boolean https) {
    this.router = router;
    this.https = https;
    start(0);
  }

  synchronized String url() {
    return (https ? "https" : "http") + "://127.0.0.1:" + port;
  }

  /** Stops and starts again on the same port: every connection dropped, the new certificate. */
  synchronized void restart() {
    stop();
    start(port);
  }

  @Override
  public synchronized void close() {
    stop();
  }

  private void start(int at) {
    // The JDK's server writes headers and body apart: with Nagle's algorithm on, the client's
    // delayed ACK holds each answer back some 40 ms (read once, when the server class loads).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    try {
      InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), at);
      if (https) {
        HttpsServer secure = HttpsServer.create(address, 16);
        secure.setHttpsConfigurator(new HttpsConfigurator(router.sslContext()));
        server = secure;
      } else {
        server = HttpServer.create(address, 16);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    executor =
        Executors.newFixedThreadPool(
            8,
            r -> {
              Thread thread = new Thread(r, "emulated-rest");
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
    port = server.getAddress().getPort();
  }

  private void stop() {
    server.stop(0);
    executor.shutdownNow();
  }

  private void handle(HttpExchange exchange) {
    try (exchange) {
      serve(exchange);
    } catch (IOException e) {
      // The client has gone.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void serve(HttpExchange exchange) throws IOException, InterruptedException {
    try {
      int now = inFlight.incrementAndGet();
      mostInFlight.accumulateAndGet(now, Math::max);
      served.incrementAndGet();
      if (now > router.sessionLimit()) {
        error(exchange, 503, "Service Unavailable", null);
        return;
      }
      Thread.sleep(router.delay().toMillis());
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null) {
        router.sawAuthorization();
      }
      if (!authorized(authorization)) {
        exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"RouterOS\"");
        error(exchange, 401, "Unauthorized", null);
        return;
      }
      switch (router.nextFault()) {
        case FAIL -> error(exchange, 500, "Internal Server Error", null);
        case MALFORMED ->
            send(
                exchange,
                200,
                "[{\".id\":\"*1\",\"dst-address\":\"10.0.0.0/8\",\"comment\":\"det"
                    .getBytes(StandardCharsets.UTF_8));
        case HUGE -> huge(exchange, router.takeHuge());
        default -> answer(exchange);
      }
    } catch (RouterOsEmulator.Refusal refusal) {
      if (refusal.notFound) {
        error(exchange, 404, "Not Found", null);
      } else {
        error(exchange, 400, "Bad Request", refusal.getMessage());
      }
    } finally {
      inFlight.decrementAndGet();
    }
  }

  private boolean authorized(String authorization) {
    if (authorization == null || !authorization.startsWith("Basic ")) {
      return false;
    }
    String pair;
    try {
      pair =
          new String(
              Base64.getDecoder().decode(authorization.substring(6)), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return false;
    }
    int colon = pair.indexOf(':');
    return colon > 0 && router.checkLogin(pair.substring(0, colon), pair.substring(colon + 1));
  }

  private void answer(HttpExchange exchange) throws IOException, RouterOsEmulator.Refusal {
    String path = exchange.getRequestURI().getPath();
    if (!path.startsWith("/rest/")) {
      error(exchange, 404, "Not Found", null);
      return;
    }
    String menu = path.substring("/rest/".length()).replaceAll("/+$", "");
    String id = null;
    int slash = menu.lastIndexOf('/');
    if (slash > 0 && menu.startsWith("*", slash + 1)) {
      id = menu.substring(slash + 1);
      menu = menu.substring(0, slash);
    }
    Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
    String proplist = query.remove(".proplist");
    String method = exchange.getRequestMethod();
    switch (method) {
      case "GET" -> {
        if (id != null) {
          send(exchange, 200, project(router.get(menu, id), proplist));
        } else if (menu.equals("system/resource")) {
          send(exchange, 200, project(router.print(menu, Map.of()).get(0), proplist));
        } else {
          send(exchange, 200, projectAll(router.print(menu, query), proplist));
        }
      }
      case "PUT" -> send(exchange, 201, router.add(menu, body(exchange)));
      case "PATCH" -> {
        if (id == null) {
          error(exchange, 400, "Bad Request", "no .id");
        } else {
          send(exchange, 200, router.set(menu, id, body(exchange)));
        }
      }
      case "DELETE" -> {
        if (id == null) {
          error(exchange, 400, "Bad Request", "no .id");
        } else {
          router.remove(menu, id);
          exchange.sendResponseHeaders(204, -1);
        }
      }
      case "POST" -> post(exchange, id == null ? menu : menu + "/" + id);
      default -> error(exchange, 405, "Method Not Allowed", null);
    }
  }

  /**
   * The console commands the REST manual shows through POST: {@code .../print} with {@code
   * .proplist} (a list or a comma-separated string) and {@code .query} (the API's query words
   * without their {@code ?}, {@link EmulatedQuery}); {@code .../add}, answered {@code
   * {"ret":"*id"}} as the API answers {@code =ret=}; {@code .../set} and {@code .../remove} of an
   * {@code .id}, answered with an empty list.
   */
  private void post(HttpExchange exchange, String command)
      throws IOException, RouterOsEmulator.Refusal {
    int slash = command.lastIndexOf('/');
    String menu = command.substring(0, Math.max(0, slash));
    switch (command.substring(slash + 1)) {
      case "print" -> print(exchange, menu);
      case "add" -> send(exchange, 200, Map.of("ret", router.add(menu, body(exchange)).get(".id")));
      case "set" -> {
        Map<String, String> attributes = body(exchange);
        String id = attributes.remove(".id");
        router.set(menu, id == null ? "" : id, attributes);
        send(exchange, 200, List.of());
      }
      case "remove" -> {
        router.remove(menu, body(exchange).getOrDefault(".id", ""));
        send(exchange, 200, List.of());
      }
      default -> error(exchange, 400, "Bad Request", "no such command");
    }
  }

  private void print(HttpExchange exchange, String menu)
      throws IOException, RouterOsEmulator.Refusal {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.getRequestBody().readNBytes(1 << 20));
    } catch (IOException e) {
      throw new RouterOsEmulator.Refusal(false, "JSON parse error");
    }
    String proplist = null;
    List<String> query = new ArrayList<>();
    if (body != null && body.isObject()) {
      JsonNode names = body.get(".proplist");
      if (names != null && names.isArray()) {
        List<String> list = new ArrayList<>();
        names.forEach(n -> list.add(n.asText()));
        proplist = String.join(",", list);
      } else if (names != null) {
        proplist = names.asText();
      }
      JsonNode words = body.get(".query");
      if (words != null) {
        words.forEach(word -> query.add(word.asText()));
      }
    }
    EmulatedQuery matching = new EmulatedQuery(query);
    List<Map<String, String>> found = new ArrayList<>();
    for (Map<String, String> entry : router.print(menu, matching.necessary())) {
      if (matching.matches(entry)) {
        found.add(entry);
      }
    }
    send(exchange, 200, projectAll(found, proplist));
  }

  private static Map<String, String> body(HttpExchange exchange)
      throws IOException, RouterOsEmulator.Refusal {
    JsonNode body;
    try {
      body = JSON.readTree(exchange.getRequestBody().readNBytes(1 << 20));
    } catch (IOException e) {
      throw new RouterOsEmulator.Refusal(false, "JSON parse error");
    }
    if (body == null || !body.isObject()) {
      throw new RouterOsEmulator.Refusal(false, "JSON object expected");
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (!field.getValue().isValueNode()) {
        throw new RouterOsEmulator.Refusal(false, "invalid value for " + field.getKey());
      }
      attributes.put(field.getKey(), field.getValue().asText());
    }
    return attributes;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new LinkedHashMap<>();
    if (raw != null) {
      for (String pair : raw.split("&")) {
        String[] kv = pair.split("=", 2);
        query.put(
            URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
            kv.length > 1 ? URLDecoder.decode(kv[1], StandardCharsets.UTF_8) : "");
      }
    }
    return query;
  }

  private static List<Map<String, String>> projectAll(
      List<Map<String, String>> entries, String proplist) {
    List<Map<String, String>> projected = new ArrayList<>();
    entries.forEach(e -> projected.add(project(e, proplist)));
    return projected;
  }

  /** Only the attributes named, in their order; those an entry lacks are left out. */
  private static Map<String, String> project(Map<String, String> entry, String proplist) {
    if (proplist == null) {
      return entry;
    }
    Map<String, String> projected = new LinkedHashMap<>();
    Arrays.stream(proplist.split(","))
        .filter(entry::containsKey)
        .forEach(name -> projected.put(name, entry.get(name)));
    return projected;
  }

  private static void error(HttpExchange exchange, int status, String message, String detail)
      throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("error", status);
    error.put("message", message);
    if (detail != null) {
      error.put("detail", detail);
    }
    send(exchange, status, error);
  }

  private static void send(HttpExchange exchange, int status, Object body) throws IOException {
    send(exchange, status, JSON.writeValueAsBytes(body));
  }

  private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  /** A JSON array of about {@code bytes} bytes, sent as it is made. */
  private static void huge(HttpExchange exchange, long bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(200, 0);
    byte[] entry =
        "{\".id\":\"*1\",\"comment\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"},"
            .getBytes(StandardCharsets.UTF_8);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write('[');
      for (long sent = 0; sent < bytes; sent += entry.length) {
        out.write(entry);
      }
      out.write("{}]".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The most requests this server was answering at one time. */
  int mostInFlight() {
    return mostInFlight.get();
  }

  /** Requests received. */
  long served() {
    return served.get();
  }
}
