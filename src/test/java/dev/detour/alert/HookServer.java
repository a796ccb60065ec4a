package dev.detour.alert;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP server on loopback answering as each receiver Detour speaks to would: a webhook, a Slack
 * webhook, ntfy, Alertmanager ({@code /am/api/v2/alerts}), Telegram's Bot API ({@code
 * /tg/bot<token>/sendMessage}, 404 with Telegram's JSON for a wrong token), a flaky receiver
 * ({@code /flaky}: 503 twice, then 200) and a refusing one ({@code /refusing}: 400). Every request
 * is recorded by path. Started inside a lab namespace, it listens on that namespace's loopback.
 */
public final class HookServer implements AutoCloseable {

  /** One request as received. */
  public record Request(String path, Map<String, String> headers, String body) {}

  public static final String BOT_TOKEN = "123456:TEST-token";

  private final Map<String, List<Request>> received = new ConcurrentHashMap<>();
  private final AtomicInteger flakyCalls = new AtomicInteger();
  private final HttpServer http;

  public HookServer() throws IOException {
    http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    http.createContext("/", this::answer);
    http.start();
  }

  public String base() {
    return "http://127.0.0.1:" + http.getAddress().getPort();
  }

  public List<Request> at(String path) {
    return received.getOrDefault(path, List.of());
  }

  /** Forgets what was received; the flaky receiver fails twice again. */
  public void clear() {
    received.clear();
    flakyCalls.set(0);
  }

  private void answer(com.sun.net.httpserver.HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    String body;
    try (InputStream in = exchange.getRequestBody()) {
      body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> headers = new HashMap<>();
    exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(), v.get(0)));
    received
        .computeIfAbsent(path, p -> new CopyOnWriteArrayList<>())
        .add(new Request(path, headers, body));
    int status = 200;
    String answer = "ok";
    if (path.equals("/flaky") && flakyCalls.incrementAndGet() <= 2) {
      status = 503;
      answer = "try later";
    } else if (path.equals("/refusing")) {
      status = 400;
      answer = "{\"error\":\"unknown hook\"}";
    } else if (path.startsWith("/tg/")) {
      boolean right = path.equals("/tg/bot" + BOT_TOKEN + "/sendMessage");
      status = right ? 200 : 404;
      answer =
          right
              ? "{\"ok\":true,\"result\":{\"message_id\":1}}"
              : "{\"ok\":false,\"error_code\":404,\"description\":\"Not Found\"}";
    } else if (path.startsWith("/am/")) {
      answer = "";
    }
    byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      exchange.getResponseBody().write(bytes);
    }
    exchange.close();
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
