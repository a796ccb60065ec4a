package dev.detour.alert.channel;

import dev.detour.system.Secrets;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one HTTP call every web channel makes: a POST with a deadline, its answer sorted into
 * delivered, worth retrying (timeouts, 408, 425, 429, 5xx; Retry-After honoured) and not (any other
 * 4xx: the same request would fail the same way). Errors name the host, never the URL, which may
 * hold a token (Telegram's does).
 */
public final class HttpPost {

  /** A delivered answer. */
  public record Answer(int status, String body) {}

  private static final int MAX_BODY_IN_ERROR = 300;

  private final HttpClient client;
  private final Duration timeout;

  public HttpPost(Duration timeout) {
    this.timeout = timeout;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  public Answer post(URI uri, String contentType, String body, Map<String, String> headers)
      throws DeliveryException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .timeout(timeout)
            .header("Content-Type", contentType)
            .header("User-Agent", "Detour")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> response;
    try {
      response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw DeliveryException.retry(uri.getHost() + " did not answer within " + timeout);
    } catch (IOException e) {
      throw DeliveryException.retry("cannot reach " + uri.getHost() + ": " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw DeliveryException.retry("interrupted");
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) {
      return new Answer(status, response.body());
    }
    String text = "HTTP " + status + " from " + uri.getHost() + ": " + shorten(response.body());
    boolean retry = status == 408 || status == 425 || status == 429 || status >= 500;
    return fail(text, retry, retryAfter(response.headers().firstValue("Retry-After")));
  }

  /** The header that carries a bearer token, or none without a token. */
  static Map<String, String> bearer(String token) {
    return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
  }

  /**
   * What a web channel holds that must not show: the parts of its URL that may be secret (with its
   * path when the URL is the credential, as a hook's often is) and its tokens, those that are set.
   */
  static List<String> secrets(URI uri, boolean pathIsSecret, String... tokens) {
    List<String> all = new ArrayList<>(Secrets.secretParts(uri, pathIsSecret));
    for (String token : tokens) {
      if (token != null) {
        all.add(token);
      }
    }
    return all;
  }

  private static Answer fail(String text, boolean retry, Duration after) throws DeliveryException {
    throw new DeliveryException(text, retry, after);
  }

  static Duration retryAfter(Optional<String> header) {
    if (header.isEmpty()) {
      return null;
    }
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(header.get().strip())));
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String shorten(String body) {
    String s = body == null ? "" : body.strip().replaceAll("\\s+", " ");
    return s.length() <= MAX_BODY_IN_ERROR ? s : s.substring(0, MAX_BODY_IN_ERROR) + "…";
  }
}
