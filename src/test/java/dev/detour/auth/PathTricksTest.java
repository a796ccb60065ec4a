package dev.detour.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.testing.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who may read what is decided by path (the {@code quarkus.http.auth.permission.*} rules), so a
 * path the rules read one way and the router another is a way past them: matrix parameters ({@code
 * ;x}), encoded semicolons, slashes, backslashes and dots, dot segments. Quarkus has had such
 * bypasses (CVE-2026-39852, CVE-2026-50559, CVE-2026-87743; docs/security.md, Dependencies); these
 * requests, sent byte for byte as written, must reach nothing the caller may not read — a viewer no
 * account or token list, a stranger nothing but the open paths.
 */
@QuarkusTest
class PathTricksTest {

  @Inject Database db;

  @TestHTTPResource("/")
  URL base;

  private final HttpClient http =
      HttpClient.newBuilder()
          .followRedirects(HttpClient.Redirect.NEVER)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @BeforeEach
  void clean() {
    db.clear();
    db.clearAccess();
    given()
        .auth()
        .preemptive()
        .basic("admin", AuthTest.ADMIN)
        .contentType(ContentType.JSON)
        .body("{\"username\": \"vera\", \"password\": \"viewer-password\", \"role\": \"viewer\"}")
        .post("/api/users")
        .then()
        .statusCode(201);
  }

  /** The raw path, unencoded and unnormalised by any client library. */
  private int get(String rawPath, String authorization) throws Exception {
    URI uri = URI.create(base.toString().replaceAll("/$", "") + rawPath);
    HttpRequest.Builder r = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
    if (authorization != null) {
      r.header("Authorization", authorization);
    }
    return http.send(r.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aViewerReadsNoAccountsOrTokensThroughAnotherSpellingOfTheirPath() throws Exception {
    String viewer = basic("vera", "viewer-password");
    assertThat(get("/api/users", basic("admin", AuthTest.ADMIN))).isEqualTo(200);
    assertThat(get("/api/users", viewer)).isEqualTo(403);
    Map<String, Integer> answers = new TreeMap<>();
    for (String path :
        List.of(
            "/api/users;x",
            "/api/users;",
            "/api/users%3Bx",
            "/api/users%3bx",
            "/api/users%3B",
            "/api/users/",
            "/api/users%2F",
            "/api/users%2f",
            "/api/users/.",
            "/api/users/%2E",
            "/api/./users",
            "/api/%2E/users",
            "/api//users",
            "/api/x/../users",
            "/api/x/..%2Fusers",
            "/api/x/%2E%2E/users",
            "/api/x%2F..%2Fusers",
            "/api%2Fusers",
            "/api%5Cusers",
            "/api/users%5C",
            "/api/users%00",
            "/api/users%20",
            "/api/tokens;x",
            "/api/tokens%3Bx",
            "/api/tokens%2F",
            "/api/./tokens",
            "/settings/access;x",
            "/settings/access%3Bx",
            "/settings/%2E/access")) {
      answers.put(path, get(path, viewer));
    }
    System.out.println("a viewer's tricks: " + answers);
    assertThat(answers)
        .as("paths a viewer read accounts or tokens through")
        .doesNotContainValue(200);
  }

  @Test
  void aStrangerReadsNothingThroughTheOpenPaths() throws Exception {
    Map<String, Integer> answers = new TreeMap<>();
    for (String path :
        List.of(
            "/api/watches;x",
            "/api/watches%3Bx",
            "/api/me%3B",
            "/agent/..%2Fapi/watches",
            "/agent/%2E%2E/api/watches",
            "/agent/v1/..%2F..%2Fapi/watches",
            "/agent%2F..%2Fapi/watches",
            "/agent/../api/watches",
            "/static/..%2F..%2Fapi/watches",
            "/static/%2E%2E/api/watches",
            "/static/..%5C..%5Capi/watches",
            "/webjars/..%2Fapi/me",
            "/webjars/%2e%2e/api/me",
            "/login/..%2Fapi/me",
            "/login%3B/../api/me",
            "/login;/../api/me",
            "/favicon.ico/..%2Fapi/me",
            "/q/health/..%2F..%2Fapi/watches",
            "/q/health/%2E%2E/%2E%2E/api/watches",
            "/q/metrics/..%2F..%2Fapi/watches",
            "/q/metrics;/../../api/watches",
            "/q/health%3B/../../settings",
            "/static/..%2F..%2Fsettings")) {
      answers.put(path, get(path, null));
    }
    System.out.println("a stranger's tricks: " + answers);
    assertThat(answers).as("paths a stranger read through").doesNotContainValue(200);
  }
}
