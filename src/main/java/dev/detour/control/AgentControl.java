package dev.detour.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.dns.DnsAnswers;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The control vantage as a Detour agent abroad ({@code detour.control.mode=agent}): probe requests
 * go to its {@code /agent/v1} API with the shared token, and its evidence comes back in the same
 * records local probes produce, so the verdict rules read both alike. Answers are read with limits:
 * an agent that sends nonsense is an unhealthy agent, never a crash.
 */
final class AgentControl implements ControlVantage {

  /** The most an agent's answer may weigh; a larger one is refused unread. */
  static final int MAX_ANSWER = 4 * 1024 * 1024;

  /** Requests in flight to the agent at most, below its own concurrency limit. */
  static final int IN_FLIGHT = 16;

  /** How often a request the agent turned away (429) is tried again. */
  private static final int RETRIES = 3;

  private final Semaphore inFlight = new Semaphore(IN_FLIGHT);

  private final URI base;

  /** The base as logged and shown: without user info, should the URL carry a login. */
  private final String shown;

  private final String token;
  private final Duration timeout;
  private final HttpClient http;
  private final ObjectMapper json;
  private final Probes probes;

  AgentControl(URI base, String token, Duration timeout, Probes probes) {
    this.base = base;
    this.shown = dev.detour.system.Secrets.withoutUserInfo(base.toString());
    this.token = token;
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    this.json =
        new ObjectMapper()
            .findAndRegisterModules()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    this.probes = probes;
  }

  @Override
  public String mode() {
    return "agent";
  }

  @Override
  public Health health() {
    try {
      JsonNode answer = call("GET", "health", null, Duration.ofSeconds(5));
      return new Health(true, "agent " + shown + " answers: " + answer.path("status").asText("up"));
    } catch (IOException | RuntimeException e) {
      return new Health(
          false,
          "agent " + shown + ": " + dev.detour.system.Secrets.mask(e.getMessage(), secrets()));
    }
  }

  @Override
  public ProbeService.Run probe(
      String target, InetAddress address, String name, List<Integer> ports, Set<ProbeKind> kinds)
      throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("target", target);
    body.put("address", address.getHostAddress());
    if (name != null) {
      body.put("name", name);
    }
    body.set("ports", json.valueToTree(ports));
    body.set("probes", json.valueToTree(kinds));
    JsonNode answer = call("POST", "probe", body, timeout);
    List<ProbeResult> results = new ArrayList<>();
    for (JsonNode r : answer.path("results")) {
      try {
        results.add(probes.read(r, json));
      } catch (IOException e) {
        throw new IOException("the agent answered " + e.getMessage());
      }
    }
    return new ProbeService.Run(
        null,
        target,
        answer.path("address").asText(address.getHostAddress()),
        name,
        "agent",
        Instant.now(),
        List.copyOf(results));
  }

  @Override
  public DnsAnswers resolve(String name) throws IOException {
    ObjectNode body = json.createObjectNode();
    body.put("name", name);
    return read(call("POST", "resolve", body, timeout), DnsAnswers.class);
  }

  private <T> T read(JsonNode node, Class<T> type) throws IOException {
    try {
      return json.treeToValue(node, type);
    } catch (IOException | IllegalArgumentException e) {
      throw new IOException("the agent's answer is not " + type.getSimpleName() + ": " + e);
    }
  }

  /** The token and the URL's user info: an agent's (or a proxy's) error may echo the request. */
  private List<String> secrets() {
    List<String> all = new ArrayList<>(dev.detour.system.Secrets.secretParts(base, false));
    all.add(token);
    return all;
  }

  private JsonNode call(String method, String path, JsonNode body, Duration wait)
      throws IOException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve("/agent/v1/" + path))
            .timeout(wait)
            .header("Authorization", "Bearer " + token)
            .header("Accept", "application/json");
    if (body == null) {
      request.GET();
    } else {
      request
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
    }
    HttpResponse<byte[]> response = null;
    try {
      inFlight.acquire();
      try {
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
          response = http.send(request.build(), LimitedBody.handler(MAX_ANSWER));
          if (response.statusCode() != 429 || attempt == RETRIES) {
            break;
          }
          // Turned away by the agent's rate limit: wait as told (at most a few seconds).
          long pause =
              response.headers().firstValueAsLong("Retry-After").orElse(1)
                  * (1000L + ThreadLocalRandom.current().nextInt(500));
          Thread.sleep(Math.min(pause, 5000));
        }
      } finally {
        inFlight.release();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    if (response.statusCode() != 200) {
      throw new IOException(
          "HTTP "
              + response.statusCode()
              + " from the agent: "
              + new String(response.body(), 0, Math.min(300, response.body().length), "UTF-8"));
    }
    try {
      return json.readTree(response.body());
    } catch (IOException e) {
      throw new IOException("the agent's answer is not JSON: " + e.getMessage());
    }
  }
}
