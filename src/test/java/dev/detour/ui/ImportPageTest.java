package dev.detour.ui;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.testing.Database;
import dev.detour.watch.Watch;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The import page keeps the file across a dry run (and a refusal): the next submit sends it again
 * without choosing it again, and the import that stores takes it.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ImportPageTest {

  @Inject Database db;

  @BeforeEach
  void empty() {
    db.clear();
  }

  private static long watches() {
    return QuarkusTransaction.requiringNew().call(() -> Watch.count());
  }

  @Test
  void aDryRunsFileIsSentAgainWithoutChoosingIt() {
    byte[] list = "198.51.100.31\n198.51.100.32\n".getBytes(StandardCharsets.UTF_8);
    String dry =
        given()
            .multiPart("file", "lab.lst", list, "text/plain")
            .multiPart("group", "lab")
            .multiPart("dryRun", "on")
            .post("/watches/import")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(dry).contains("Dry run").contains("holding lab.lst");
    assertThat(watches()).isZero();
    Matcher kept = Pattern.compile("name=\"kept\" value=\"([0-9a-f]+)\"").matcher(dry);
    assertThat(kept.find()).as(dry).isTrue();

    String stored =
        given()
            .multiPart("group", "lab")
            .multiPart("kept", kept.group(1))
            .multiPart("keptName", "lab.lst")
            .post("/watches/import")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(stored).contains("Imported").doesNotContain("name=\"kept\"");
    assertThat(watches()).isEqualTo(2);

    // Taken by the import that stored: the token names nothing now.
    given()
        .multiPart("group", "lab")
        .multiPart("kept", kept.group(1))
        .post("/watches/import")
        .then()
        .statusCode(400);
    given()
        .multiPart("group", "lab")
        .multiPart("kept", "../../etc/passwd")
        .post("/watches/import")
        .then()
        .statusCode(400);
  }
}
