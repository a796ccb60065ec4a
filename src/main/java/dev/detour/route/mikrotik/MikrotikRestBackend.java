package dev.detour.route.mikrotik;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.route.RouterException;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterSettings;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A RouterOS 7 router over its REST API ({@code https://router/rest/...}, the {@code www-ssl}
 * service, or {@code www} from 7.9): GET prints, PUT adds, DELETE removes, HTTP Basic auth on every
 * request. Every value in RouterOS's JSON is a string.
 *
 * <p>TLS follows {@link RouterTls}: the certificate is checked in the handshake, before the
 * credentials are sent. A request, body included, may take the router's {@code timeout}; an answer
 * may take {@link RouterOsBackend#LIST_CAP} bytes for a list and {@link RouterOsBackend#ANSWER_CAP}
 * otherwise, read with that limit.
 *
 * <p>The connection is made on the first call and kept alive between calls. Over {@code http://}
 * the password crosses the network in clear, as RouterOS itself warns: use {@code https://}.
 */
public final class MikrotikRestBackend extends RouterOsBackend {

  private static final ObjectMapper WRITER = new ObjectMapper();

  /** How much of a router's error text goes into a message. */
  private static final int DETAIL_CHARS = 300;

  private final URI base;
  private final String authorization;
  private HttpClient client;

  public MikrotikRestBackend(RouterSettings settings) {
    super(settings);
    this.base = URI.create(settings.url() + "/rest/");
    this.authorization =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(
                    (settings.username() + ":" + settings.password())
                        .getBytes(StandardCharsets.UTF_8));
  }

  /** REST came with RouterOS 7. */
  @Override
  boolean routerOs6() {
    return false;
  }

  @Override
  void print(String menu, List<String> proplist, Map<String, String> query, int cap, RowSink rows)
      throws RouterException {
    StringBuilder path = new StringBuilder(menu).append("?.proplist=").append(names(proplist));
    query.forEach((k, v) -> path.append('&').append(k).append('=').append(encode(v)));
    exchange("GET", path.toString(), null, cap, rows);
  }

  @Override
  Map<String, String> addEntry(String menu, Map<String, String> attributes) throws RouterException {
    return single(exchange("PUT", menu, json(attributes), ANSWER_CAP));
  }

  @Override
  void setEntry(String menu, String id, Map<String, String> attributes) throws RouterException {
    exchange("PATCH", menu + "/" + encode(id), json(attributes), ANSWER_CAP);
  }

  /** {@code POST .../unset}: REST runs a menu's console commands by POST. */
  @Override
  void unsetEntry(String menu, String id, String attribute) throws RouterException {
    exchange("POST", menu + "/unset", json(Map.of(".id", id, "value-name", attribute)), ANSWER_CAP);
  }

  private static String json(Map<String, String> attributes) {
    try {
      return WRITER.writeValueAsString(attributes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a map of strings is always JSON", e);
    }
  }

  @Override
  Map<String, String> entry(String menu, String id, List<String> proplist) throws RouterException {
    try {
      return single(
          exchange(
              "GET", menu + "/" + encode(id) + "?.proplist=" + names(proplist), null, ANSWER_CAP));
    } catch (RouterException e) {
      if (e.kind() == Kind.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }

  @Override
  void removeEntry(String menu, String id) throws RouterException {
    exchange("DELETE", menu + "/" + encode(id), null, ANSWER_CAP);
  }

  /**
   * Lets the client go. Java 17's {@link HttpClient} cannot be closed (its idle connections go when
   * it is collected); on Java 21 and later it is closed here.
   */
  @Override
  public synchronized void close() {
    if (client instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        // Closing is best effort; the client is dropped either way.
      }
    }
    client = null;
  }

  private synchronized HttpClient client() throws RouterException {
    if (client == null) {
      HttpClient.Builder builder =
          HttpClient.newBuilder()
              .version(HttpClient.Version.HTTP_1_1)
              .followRedirects(HttpClient.Redirect.NEVER)
              .connectTimeout(settings.timeout());
      if ("https".equalsIgnoreCase(base.getScheme())) {
        builder.sslContext(RouterTls.of(settings).context());
      }
      client = builder.build();
    }
    return client;
  }

  /** One request, its whole answer within the timeout and the cap; the body of a 2xx answer. */
  private byte[] exchange(String method, String path, String json, int cap) throws RouterException {
    return exchange(method, path, json, cap, null);
  }

  /**
   * One request, its whole answer within the timeout and the cap. With {@code rows}, a 2xx answer
   * is parsed as it arrives and each object handed over at once (on the client's thread, while this
   * one waits): a long list is never held whole. Returns the body otherwise.
   */
  private byte[] exchange(String method, String path, String json, int cap, RowSink rows)
      throws RouterException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(settings.timeout())
            .header("Authorization", authorization)
            .header("Accept", "application/json");
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request
          .header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8));
    }
    String what = method + " /rest/" + path.replaceFirst("\\?.*", "");
    CompletableFuture<HttpResponse<byte[]>> answer =
        client()
            .sendAsync(
                request.build(),
                info ->
                    rows != null && info.statusCode() / 100 == 2
                        ? new RestBodies.StreamedRows(cap, rows, "router " + settings.name())
                        : new RestBodies.CappedBody(cap));
    HttpResponse<byte[]> response;
    try {
      response = answer.get(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      answer.cancel(true);
      throw fail(Kind.TIMEOUT, what + ": no answer in " + settings.timeout(), null);
    } catch (InterruptedException e) {
      answer.cancel(true);
      Thread.currentThread().interrupt();
      throw fail(Kind.TIMEOUT, what + ": interrupted", e);
    } catch (ExecutionException e) {
      throw failure(what, e.getCause());
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return response.body();
    }
    String detail = errorText(response.body(), status);
    Kind kind;
    if (status == 401 || status == 403) {
      kind = Kind.AUTH;
    } else if (status == 404 || (status == 400 && detail.contains("no such command"))) {
      kind = Kind.NOT_FOUND;
    } else if (status == 429 || status >= 500) {
      kind = Kind.BUSY;
    } else if (status >= 300 && status < 400) {
      kind = Kind.PROTOCOL;
      detail += " (redirected: is the url's scheme right?)";
    } else {
      kind = Kind.REJECTED;
    }
    throw fail(kind, what + ": " + status + " " + detail, null);
  }

  private RouterException failure(String what, Throwable cause) {
    if (cause instanceof RouterException e) {
      return e; // a row refused by the sink, or a malformed one
    }
    if (cause instanceof RestBodies.TooLarge) {
      return fail(Kind.PROTOCOL, what + ": " + cause.getMessage(), cause);
    }
    if (cause instanceof HttpConnectTimeoutException) {
      return fail(Kind.UNREACHABLE, what + ": no connection in " + settings.timeout(), cause);
    }
    if (cause instanceof HttpTimeoutException) {
      return fail(Kind.TIMEOUT, what + ": no answer in " + settings.timeout(), cause);
    }
    if (RouterTls.rejectedCertificate(cause)) {
      return fail(Kind.CERTIFICATE, what + ": " + innermost(cause), cause);
    }
    if (cause instanceof ConnectException) {
      return fail(
          Kind.UNREACHABLE,
          what + ": cannot connect to " + base.getHost() + ":" + port() + ": " + innermost(cause),
          cause);
    }
    return fail(Kind.UNREACHABLE, what + ": " + innermost(cause), cause);
  }

  private RouterException fail(Kind kind, String message, Throwable cause) {
    return new RouterException(kind, "router " + settings.name() + ": " + message, cause);
  }

  private int port() {
    if (base.getPort() > 0) {
      return base.getPort();
    }
    return "https".equalsIgnoreCase(base.getScheme()) ? 443 : 80;
  }

  /** RouterOS's {@code {"error":400,"message":"Bad Request","detail":"..."}}, shortened. */
  private String errorText(byte[] body, int status) {
    String text = null;
    try {
      List<Map<String, String>> rows = new ArrayList<>();
      parse(body, rows::add);
      if (rows.size() == 1) {
        Map<String, String> error = rows.get(0);
        text = error.getOrDefault("detail", error.get("message"));
      }
    } catch (RouterException e) {
      // Not RouterOS's error object: the status says enough.
    }
    if (text == null || text.isBlank()) {
      text = "HTTP " + status;
    }
    return text.length() > DETAIL_CHARS ? text.substring(0, DETAIL_CHARS) + "…" : text;
  }

  private Map<String, String> single(byte[] body) throws RouterException {
    List<Map<String, String>> rows = new ArrayList<>();
    parse(body, rows::add);
    if (rows.size() != 1) {
      throw protocol("expected one object, got " + rows.size());
    }
    return rows.get(0);
  }

  /** An array of objects (a print) or one object, each value a string. */
  private void parse(byte[] body, RowSink rows) throws RouterException {
    RestBodies.Rows parser = new RestBodies.Rows(rows, "router " + settings.name());
    parser.feed(body, 0, body.length);
    parser.end();
  }

  private static String names(List<String> proplist) {
    return String.join(",", proplist);
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
