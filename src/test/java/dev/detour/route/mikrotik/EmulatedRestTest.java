package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The emulated REST API's console commands through POST, which the manual's curl examples ({@link
 * CurlRestManualTest}) show only for print.
 */
class EmulatedRestTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouterOsEmulator router = new RouterOsEmulator();
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void close() {
    router.close();
  }

  private HttpResponse<String> post(String command, String body) throws Exception {
    String login = RouterOsEmulator.USER + ":" + RouterOsEmulator.PASSWORD;
    return http.send(
        HttpRequest.newBuilder(URI.create(router.restUrl() + "/rest/" + command))
            .timeout(Duration.ofSeconds(10))
            .header(
                "Authorization",
                "Basic "
                    + Base64.getEncoder().encodeToString(login.getBytes(StandardCharsets.UTF_8)))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void postRunsAddSetRemoveAndPrintWithTheQueryStack() throws Exception {
    HttpResponse<String> add =
        post("ip/route/add", "{\"dst-address\":\"10.33.0.0/16\",\"gateway\":\"gre-tunnel1\"}");
    assertThat(add.statusCode()).isEqualTo(200);
    String id = JSON.readTree(add.body()).path("ret").asText();
    assertThat(router.route("10.33.0.0/16")).containsEntry(".id", id);

    assertThat(post("ip/route/set", "{\".id\":\"" + id + "\",\"distance\":\"4\"}").body())
        .isEqualTo("[]");
    assertThat(router.route("10.33.0.0/16")).containsEntry("distance", "4");

    HttpResponse<String> print =
        post(
            "ip/route/print",
            "{\".proplist\":\"dst-address\",\".query\":[\"dynamic=true\",\"distance=4\",\"#|\"]}");
    assertThat(JSON.readValue(print.body(), List.class))
        .containsExactly(
            Map.of("dst-address", "203.0.113.0/24"),
            Map.of("dst-address", "192.168.88.0/24"),
            Map.of("dst-address", "10.33.0.0/16"));

    assertThat(post("ip/route/remove", "{\".id\":\"" + id + "\"}").body()).isEqualTo("[]");
    assertThat(router.route("10.33.0.0/16")).isNull();

    HttpResponse<String> again = post("ip/route/remove", "{\".id\":\"" + id + "\"}");
    assertThat(again.statusCode()).isEqualTo(404);
    assertThat(JSON.readValue(again.body(), Map.class))
        .isEqualTo(Map.of("error", 404, "message", "Not Found"));
  }
}
