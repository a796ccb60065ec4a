package dev.detour.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.detour.testing.Database;
import dev.detour.ui.LoginPage;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real authentication, without test shortcuts: HTTP Basic, API tokens, the form login and its
 * session, CSRF, roles, the open health and metrics endpoints, and the security headers.
 */
@QuarkusTest
class AuthTest {

  static final String ADMIN = "test-admin-password";

  @Inject Database db;

  @BeforeEach
  void clean() {
    db.clear();
    db.clearAccess();
  }

  @Test
  void theApiWantsCredentialsAndSaysHow() {
    given()
        .get("/api/watches")
        .then()
        .statusCode(401)
        .header("WWW-Authenticate", containsString("Basic realm=\"Detour\""));
    given()
        .auth()
        .preemptive()
        .basic("admin", "wrong-password")
        .get("/api/watches")
        .then()
        .statusCode(401);
    given().auth().preemptive().basic("nobody", ADMIN).get("/api/watches").then().statusCode(401);
    given()
        .header("Authorization", "Bearer dtr_not-a-token")
        .get("/api/watches")
        .then()
        .statusCode(401);
    given().auth().preemptive().basic("admin", ADMIN).get("/api/watches").then().statusCode(200);
    given()
        .auth()
        .preemptive()
        .basic("admin", ADMIN)
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("username", equalTo("admin"))
        .body("role", equalTo("admin"))
        .body("authenticatedBy", equalTo("password"));
  }

  @Test
  void healthAndMetricsStayOpenForProbesAndPrometheus() {
    given().get("/q/health/ready").then().statusCode(200);
    given().get("/q/metrics").then().statusCode(200);
    given().get("/q/openapi").then().statusCode(401);
  }

  @Test
  void aViewerReadsButChangesNothing() {
    admin()
        .contentType(ContentType.JSON)
        .body("{\"username\": \"vera\", \"password\": \"viewer-password\", \"role\": \"viewer\"}")
        .post("/api/users")
        .then()
        .statusCode(201)
        .body("role", equalTo("viewer"))
        .body("$", not(org.hamcrest.Matchers.hasKey("passwordHash")));
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .get("/api/groups")
        .then()
        .statusCode(200);
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .contentType(ContentType.JSON)
        .body("{\"name\": \"telegram\"}")
        .post("/api/groups")
        .then()
        .statusCode(403);
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .get("/api/users")
        .then()
        .statusCode(403);
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .get("/api/tokens")
        .then()
        .statusCode(403);
    // Every account may change its own password, with the current one.
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .contentType(ContentType.JSON)
        .body("{\"current\": \"wrong\", \"password\": \"a-new-password\"}")
        .put("/api/me/password")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("current"));
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .contentType(ContentType.JSON)
        .body("{\"current\": \"viewer-password\", \"password\": \"a-new-password\"}")
        .put("/api/me/password")
        .then()
        .statusCode(204);
    given()
        .auth()
        .preemptive()
        .basic("vera", "viewer-password")
        .get("/api/groups")
        .then()
        .statusCode(401);
    given()
        .auth()
        .preemptive()
        .basic("vera", "a-new-password")
        .get("/api/groups")
        .then()
        .statusCode(200);
  }

  @Test
  void badAccountsAndTheLastAdminAreRefusedWithReasons() {
    admin()
        .contentType(ContentType.JSON)
        .body("{\"username\": \"Bad Name\", \"password\": \"short\", \"role\": \"boss\"}")
        .post("/api/users")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors.field", org.hamcrest.Matchers.hasItems("username", "password", "role"));
    admin().delete("/api/users/admin").then().statusCode(409);
    admin()
        .contentType(ContentType.JSON)
        .body("{\"role\": \"viewer\"}")
        .put("/api/users/admin/role")
        .then()
        .statusCode(409);
  }

  @Test
  void tokensActForTheirRoleUntilRevoked() {
    Response created =
        admin()
            .contentType(ContentType.JSON)
            .body("{\"name\": \"grafana\", \"role\": \"viewer\"}")
            .post("/api/tokens");
    created.then().statusCode(201).body("secret", org.hamcrest.Matchers.startsWith("dtr_"));
    String secret = created.path("secret");
    int id = created.path("token.id");
    admin()
        .get("/api/tokens")
        .then()
        .statusCode(200)
        .body("[0].name", equalTo("grafana"))
        .body("[0].hint", equalTo(secret.substring(0, 10)))
        .body("toString()", not(containsString(secret)));
    given()
        .header("Authorization", "Bearer " + secret)
        .get("/api/me")
        .then()
        .statusCode(200)
        .body("username", equalTo("token:grafana"))
        .body("role", equalTo("viewer"))
        .body("authenticatedBy", equalTo("token"));
    given()
        .header("Authorization", "Bearer " + secret)
        .contentType(ContentType.JSON)
        .body("{\"name\": \"x\"}")
        .post("/api/groups")
        .then()
        .statusCode(403);
    admin().delete("/api/tokens/" + id).then().statusCode(204);
    given().header("Authorization", "Bearer " + secret).get("/api/me").then().statusCode(401);
    assertThat(db.count("ApiToken")).isZero();
  }

  @Test
  void aBrowserLogsInWithAFormAndItsSessionCarriesACsrfToken() {
    given()
        .redirects()
        .follow(false)
        .accept("text/html")
        .get("/settings/access")
        .then()
        .statusCode(302)
        .header("Location", equalTo("/login?next=%2Fsettings%2Faccess"));
    given()
        .get("/login")
        .then()
        .statusCode(200)
        .body(containsString("name=\"password\""))
        .header("Content-Security-Policy", containsString("script-src 'self'"))
        .header("X-Frame-Options", "DENY")
        .header("X-Content-Type-Options", "nosniff");
    given()
        .formParam("username", "admin")
        .formParam("password", "wrong-password")
        .post("/login")
        .then()
        .statusCode(401)
        .body(containsString("Wrong user name or password"));
    Response login =
        given()
            .redirects()
            .follow(false)
            .formParam("username", "admin")
            .formParam("password", ADMIN)
            .formParam("next", "/settings/access")
            .post("/login");
    login.then().statusCode(303).header("Location", containsString("/settings/access"));
    String setCookie = login.header("Set-Cookie");
    assertThat(setCookie).containsIgnoringCase("HttpOnly").contains("SameSite=Lax");
    String session = login.cookie(Sessions.COOKIE);
    assertThat(session).hasSizeGreaterThan(40);
    assertThat(db.count("UiSession")).isEqualTo(1);

    String page =
        given()
            .cookie(Sessions.COOKIE, session)
            .get("/settings/access")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    Matcher m = Pattern.compile("\"X-CSRF-Token\": \"([^\"]+)\"").matcher(page);
    assertThat(m.find()).as("the page carries the session's CSRF token").isTrue();
    String csrf = m.group(1);

    // A change without the token, with a wrong one, or from another site is refused...
    given()
        .cookie(Sessions.COOKIE, session)
        .formParam("name", "ci")
        .formParam("role", "viewer")
        .post("/settings/access/tokens")
        .then()
        .statusCode(403)
        .contentType("application/problem+json");
    given()
        .cookie(Sessions.COOKIE, session)
        .header(CsrfFilter.HEADER, "forged")
        .formParam("name", "ci")
        .formParam("role", "viewer")
        .post("/settings/access/tokens")
        .then()
        .statusCode(403);
    given()
        .cookie(Sessions.COOKIE, session)
        .header("Origin", "https://evil.example")
        .header(CsrfFilter.HEADER, csrf)
        .formParam("name", "ci")
        .formParam("role", "viewer")
        .post("/settings/access/tokens")
        .then()
        .statusCode(403);
    assertThat(db.count("ApiToken")).isZero();
    // ...a form field is not enough (a foreign page could send one)...
    given()
        .cookie(Sessions.COOKIE, session)
        .formParam("csrf", csrf)
        .formParam("name", "ci")
        .formParam("role", "viewer")
        .post("/settings/access/tokens")
        .then()
        .statusCode(403);
    // ...with the header htmx sends from the page, it goes through.
    given()
        .cookie(Sessions.COOKIE, session)
        .header(CsrfFilter.HEADER, csrf)
        .formParam("name", "ci")
        .formParam("role", "viewer")
        .post("/settings/access/tokens")
        .then()
        .statusCode(200)
        .body(containsString("not shown again"));
    assertThat(db.count("ApiToken")).isEqualTo(1);
    // The session reads the API but cannot change it: no CSRF token guards JSON calls.
    given().cookie(Sessions.COOKIE, session).get("/api/groups").then().statusCode(200);
    given()
        .cookie(Sessions.COOKIE, session)
        .header(CsrfFilter.HEADER, csrf)
        .contentType(ContentType.JSON)
        .body("{\"name\": \"telegram\"}")
        .post("/api/groups")
        .then()
        .statusCode(401);

    given()
        .redirects()
        .follow(false)
        .cookie(Sessions.COOKIE, session)
        .header(CsrfFilter.HEADER, csrf)
        .post("/logout")
        .then()
        .statusCode(303)
        .header("Set-Cookie", containsString("Max-Age=0"));
    assertThat(db.count("UiSession")).isZero();
    given()
        .redirects()
        .follow(false)
        .accept("text/html")
        .cookie(Sessions.COOKIE, session)
        .get("/settings/access")
        .then()
        .statusCode(302);
  }

  @Test
  void loginSendsOnlyToThisSite() {
    assertThat(LoginPage.safeNext("//evil.example/x")).isEqualTo("/");
    assertThat(LoginPage.safeNext("https://evil.example")).isEqualTo("/");
    assertThat(LoginPage.safeNext("/\\evil.example")).isEqualTo("/");
    assertThat(LoginPage.safeNext("/watches?group=telegram")).isEqualTo("/watches?group=telegram");
  }

  @Test
  void aViewerSessionSeesPagesButMayNotChangeAccess() {
    admin()
        .contentType(ContentType.JSON)
        .body("{\"username\": \"vera\", \"password\": \"viewer-password\", \"role\": \"viewer\"}")
        .post("/api/users")
        .then()
        .statusCode(201);
    String session =
        given()
            .redirects()
            .follow(false)
            .formParam("username", "vera")
            .formParam("password", "viewer-password")
            .post("/login")
            .cookie(Sessions.COOKIE);
    given().cookie(Sessions.COOKIE, session).get("/settings/password").then().statusCode(200);
    given().cookie(Sessions.COOKIE, session).get("/settings/access").then().statusCode(403);
  }

  private static io.restassured.specification.RequestSpecification admin() {
    return given().auth().preemptive().basic("admin", ADMIN);
  }
}
