package dev.detour.system;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ServiceEndpointsTest {

  @Test
  void healthIsUpAndChecksTheDatabase() {
    given()
        .get("/q/health")
        .then()
        .statusCode(200)
        .body("status", equalTo("UP"))
        .body("checks.name", hasItem("Database connections health check"));
  }

  @Test
  void probingHealthSaysWhatRawPacketsNeed() {
    // Up or down depends on the machine; either way it names both capabilities and libpcap.
    given()
        .get("/q/health/group/probing")
        .then()
        .body("checks[0].name", equalTo("raw-packets"))
        .body("checks[0].data.CAP_NET_RAW", notNullValue())
        .body("checks[0].data.libpcap", notNullValue());
  }

  @Test
  void thisDetourIsNoControlAgentUnlessConfigured() {
    given()
        .header("Authorization", "Bearer anything-at-all-0123")
        .get("/agent/v1/health")
        .then()
        .statusCode(404)
        .body("detail", equalTo("this Detour is not a control agent"));
  }

  @Test
  void metricsArePrometheusText() {
    given()
        .accept("text/plain")
        .get("/q/metrics")
        .then()
        .statusCode(200)
        .contentType(containsString("text/plain"))
        .body(containsString("# TYPE jvm_memory_used_bytes gauge"));
  }

  @Test
  void openApiDescribesTheWatchApi() {
    given()
        .get("/q/openapi?format=json")
        .then()
        .statusCode(200)
        .body("paths", org.hamcrest.Matchers.hasKey("/api/watches/import"))
        .body("paths", org.hamcrest.Matchers.hasKey("/api/groups/{name}"));
    given().get("/q/swagger-ui/").then().statusCode(200);
  }
}
