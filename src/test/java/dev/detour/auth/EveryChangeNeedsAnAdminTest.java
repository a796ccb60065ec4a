package dev.detour.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every operation that changes something, as the service's own OpenAPI document lists them (so a
 * new endpoint is covered the day it is added): refused without credentials, refused to a viewer,
 * and never a server error either way.
 */
@QuarkusTest
class EveryChangeNeedsAnAdminTest {

  /** What every account may do to itself. */
  private static final Set<String> SELF_SERVICE = Set.of("PUT /api/me/password");

  @Inject Database db;

  @BeforeEach
  void clean() {
    db.clearAccess();
  }

  @Test
  void everyMutatingOperationRefusesStrangersAndViewers() throws Exception {
    JsonNode paths =
        new ObjectMapper()
            .readTree(
                admin().get("/q/openapi?format=json").then().statusCode(200).extract().asString())
            .path("paths");
    admin()
        .contentType(ContentType.JSON)
        .body("{\"username\": \"vera\", \"password\": \"viewer-password\", \"role\": \"viewer\"}")
        .post("/api/users")
        .then()
        .statusCode(201);

    List<String> operations = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : List.of("post", "put", "patch", "delete")) {
        if (path.getValue().has(method)) {
          operations.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    assertThat(operations).as("the document lists the API's changes").hasSizeGreaterThan(20);

    List<String> wrong = new ArrayList<>();
    for (String operation : operations) {
      String method = operation.substring(0, operation.indexOf(' '));
      String path = operation.substring(operation.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
      int stranger = call(given(), method, path);
      int viewer = call(given().auth().preemptive().basic("vera", "viewer-password"), method, path);
      if (path.startsWith("/agent")) {
        // The agent's own token guards it (404: this instance is no agent); accounts do not.
        if (!Set.of(401, 404).contains(stranger) || !Set.of(401, 404).contains(viewer)) {
          wrong.add(operation + " without the agent's token: " + stranger + ", " + viewer);
        }
        continue;
      }
      // The API says 401; a page's form sends a browser to the login page.
      boolean refused =
          path.startsWith("/api/") ? stranger == 401 : Set.of(401, 302, 303).contains(stranger);
      if (!refused) {
        wrong.add(operation + " without credentials: " + stranger);
      }
      boolean mayOwn = SELF_SERVICE.contains(operation);
      if (!mayOwn && viewer != 403) {
        wrong.add(operation + " as a viewer: " + viewer);
      }
      if (mayOwn && (viewer == 401 || viewer == 403 || viewer >= 500)) {
        wrong.add(operation + " as a viewer (their own): " + viewer);
      }
    }
    assertThat(wrong).as("operations that let a stranger or a viewer through").isEmpty();
  }

  private static int call(RequestSpecification request, String method, String path) {
    return request
        .contentType(ContentType.JSON)
        .body("{}")
        .redirects()
        .follow(false)
        .request(method, path)
        .then()
        .extract()
        .statusCode();
  }

  private static RequestSpecification admin() {
    return given().auth().preemptive().basic("admin", AuthTest.ADMIN);
  }
}
