package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The RouterOS REST manual's own curl examples ({@code src/test/routeros-curl/routes.sh}) against
 * the emulated REST API: each answer is what the manual shows for it, and after each step the
 * router holds what the answer says.
 */
class CurlRestManualTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouterOsEmulator router = new RouterOsEmulator();

  @AfterEach
  void close() {
    router.close();
  }

  /** One line of the script: the step's name, the HTTP status and the body. */
  private record Answer(String step, int status, String body) {
    JsonNode json() throws Exception {
      return JSON.readTree(body);
    }
  }

  private static Answer next(StepByStep script, String step) throws Exception {
    String[] parts = script.next().split(" ", 3);
    Answer answer =
        new Answer(parts[0], Integer.parseInt(parts[1]), parts.length > 2 ? parts[2] : "");
    assertThat(answer.step()).isEqualTo(step);
    return answer;
  }

  private static List<String> texts(JsonNode array, String field) {
    List<String> values = new ArrayList<>();
    array.forEach(node -> values.add(node.path(field).asText(null)));
    return values;
  }

  @Test
  void theManualsExamplesAddListFilterSetAndRemoveRoutes() throws Exception {
    StepByStep.require("curl", "curl", "--version");
    try (StepByStep script =
        new StepByStep(
            List.of(
                "bash",
                Path.of("src/test/routeros-curl/routes.sh").toAbsolutePath().toString(),
                router.restUrl(),
                RouterOsEmulator.USER,
                RouterOsEmulator.PASSWORD),
            Path.of("target"),
            Duration.ofSeconds(30))) {

      Answer resource = next(script, "resource");
      assertThat(resource.status()).isEqualTo(200);
      assertThat(resource.json().path("version").asText()).isEqualTo("7.16 (stable)");
      script.proceed();

      Answer put = next(script, "put");
      assertThat(put.status()).isEqualTo(201);
      String first = put.json().path(".id").asText();
      assertThat(router.route("10.55.0.0/16"))
          .containsEntry(".id", first)
          .containsEntry("gateway", "gre-tunnel1")
          .containsEntry("comment", "curl");
      assertThat(JSON.convertValue(put.json(), Map.class)).isEqualTo(router.route("10.55.0.0/16"));
      script.proceed();

      Answer second = next(script, "put-second");
      assertThat(second.status()).isEqualTo(201);
      assertThat(router.route("10.56.0.0/16")).containsEntry("distance", "5");
      script.proceed();

      Answer list = next(script, "list");
      assertThat(list.status()).isEqualTo(200);
      assertThat(texts(list.json(), ".id"))
          .containsExactlyElementsOf(
              router.entries("ip/route").stream().map(e -> e.get(".id")).toList());
      script.proceed();

      Answer get = next(script, "get");
      assertThat(get.status()).isEqualTo(200);
      assertThat(JSON.convertValue(get.json(), Map.class)).isEqualTo(router.route("10.55.0.0/16"));
      script.proceed();

      Answer filter = next(script, "filter");
      assertThat(filter.status()).isEqualTo(200);
      assertThat(texts(filter.json(), "dst-address")).containsExactly("10.56.0.0/16");
      script.proceed();

      Answer proplist = next(script, "proplist");
      assertThat(proplist.status()).isEqualTo(200);
      assertThat(JSON.convertValue(proplist.json(), List.class))
          .containsExactly(
              Map.of("dst-address", "10.55.0.0/16", "gateway", "gre-tunnel1"),
              Map.of("dst-address", "10.56.0.0/16", "gateway", "gre-tunnel1"));
      script.proceed();

      // Neither ether nor vlan: the bridge and the GRE tunnel.
      Answer query = next(script, "query");
      assertThat(query.status()).isEqualTo(200);
      assertThat(JSON.convertValue(query.json(), List.class))
          .containsExactly(
              Map.of("name", "bridge", "type", "bridge"),
              Map.of("name", "gre-tunnel1", "type", "gre-tunnel"));
      script.proceed();

      Answer queryRoutes = next(script, "query-routes");
      assertThat(queryRoutes.status()).isEqualTo(200);
      assertThat(JSON.convertValue(queryRoutes.json(), List.class))
          .containsExactly(Map.of("dst-address", "10.55.0.0/16", "distance", "1"));
      script.proceed();

      Answer patch = next(script, "patch");
      assertThat(patch.status()).isEqualTo(200);
      assertThat(router.route("10.55.0.0/16"))
          .containsEntry("gateway", "192.0.2.1")
          .containsEntry("distance", "3");
      assertThat(JSON.convertValue(patch.json(), Map.class))
          .isEqualTo(router.route("10.55.0.0/16"));
      script.proceed();

      Answer delete = next(script, "delete");
      assertThat(delete.status()).isEqualTo(204);
      assertThat(delete.body()).isEmpty();
      assertThat(router.route("10.55.0.0/16")).isNull();
      assertThat(router.route("10.56.0.0/16")).isNotNull();
      script.proceed();

      Answer again = next(script, "delete-again");
      assertThat(again.status()).isEqualTo(404);
      assertThat(JSON.convertValue(again.json(), Map.class))
          .isEqualTo(Map.of("error", 404, "message", "Not Found"));
      script.proceed();

      Answer duplicate = next(script, "put-duplicate");
      assertThat(duplicate.status()).isEqualTo(400);
      assertThat(JSON.convertValue(duplicate.json(), Map.class))
          .isEqualTo(
              Map.of(
                  "error", 400,
                  "message", "Bad Request",
                  "detail", "failure: already have such route"));
      assertThat(router.entries("ip/route"))
          .filteredOn(e -> e.get("dst-address").equals("10.56.0.0/16"))
          .hasSize(1);
      script.proceed();

      Answer unauthorized = next(script, "unauthorized");
      assertThat(unauthorized.status()).isEqualTo(401);
      assertThat(JSON.convertValue(unauthorized.json(), Map.class))
          .isEqualTo(Map.of("error", 401, "message", "Unauthorized"));
      script.proceed();

      assertThat(script.exit()).as(script.errors()).isZero();
    }
  }
}
