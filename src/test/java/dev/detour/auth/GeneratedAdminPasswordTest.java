package dev.detour.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** A first start without DETOUR_ADMIN_PASSWORD: a password is generated, printed once, hashed. */
@QuarkusTest
@TestProfile(GeneratedAdminPasswordTest.NoAdminPassword.class)
class GeneratedAdminPasswordTest {

  static final Path LOG = Path.of("target", "generated-admin-password.log");

  public static class NoAdminPassword implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      try {
        Files.deleteIfExists(LOG);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return Map.of(
          "detour.admin-password", "",
          "quarkus.log.file.enabled", "true",
          "quarkus.log.file.path", LOG.toString());
    }
  }

  @Test
  void theGeneratedPasswordIsPrintedOnceAndWorks() throws Exception {
    // The account is set up off the start: its line comes within seconds of it.
    Pattern printed = Pattern.compile("generated a password for the account 'admin': (\\S+)");
    String log = Files.readString(LOG);
    for (int i = 0; i < 300 && !printed.matcher(log).find(); i++) {
      Thread.sleep(100);
      log = Files.readString(LOG);
    }
    Matcher m = printed.matcher(log);
    assertThat(m.find()).as("the log prints the password:\n%s", log).isTrue();
    String password = m.group(1);
    assertThat(m.find()).as("printed once").isFalse();
    assertThat(password).hasSize(20);

    given().auth().preemptive().basic("admin", password).get("/api/me").then().statusCode(200);
    String stored =
        QuarkusTransaction.requiringNew()
            .call(() -> Account.<Account>findById("admin").passwordHash);
    assertThat(stored).startsWith("pbkdf2-sha256$").doesNotContain(password);
  }
}
