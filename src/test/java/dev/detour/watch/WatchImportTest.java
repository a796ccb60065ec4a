package dev.detour.watch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;

import dev.detour.testing.Database;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class WatchImportTest {

  static final String SEED_ROUTES =
      """
      /ip route
      add comment=linkedin distance=1 dst-address=91.225.248.0/22 gateway=gre-tunnel1
      add comment=linkedin distance=1 dst-address=108.174.0.0/20 gateway=gre-tunnel1
      add comment=linkedin distance=1 dst-address=185.63.144.0/22 gateway=gre-tunnel1
      add comment=rutracker distance=1 dst-address=195.82.146.0/24 gateway=gre-tunnel1
      add comment=telegram distance=1 dst-address=149.154.164.0/22 gateway=gre-tunnel1
      """;

  @Inject Database db;

  @TestHTTPResource("/api/watches/import")
  URL importUrl;

  @BeforeEach
  void empty() {
    db.clear();
  }

  static byte[] data(String name) {
    try (InputStream in = WatchImportTest.class.getResourceAsStream("/data/" + name)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Response upload(String query, byte[] body, String contentType) {
    // RestAssured would otherwise declare ISO-8859-1 for text, which is not what a file is in.
    return given()
        .config(
            RestAssuredConfig.config()
                .encoderConfig(
                    EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)))
        .contentType(contentType)
        .body(body)
        .post("/api/watches/import" + query);
  }

  @Test
  void importsTheWholeRefilterListInSeconds() {
    upload("?group=refilter", data("refilter-blocked-ips.lst"), "text/plain")
        .then()
        .statusCode(200)
        .body("format", equalTo("plain"))
        .body("lines", equalTo(44_036))
        .body("created", equalTo(44_036))
        .body("invalidCount", equalTo(0))
        .body("groupsCreated", contains("refilter"))
        .body("elapsedMillis", lessThan(30_000));
    given().get("/api/watches?group=refilter&size=1").then().header("X-Total-Count", "44036");

    // The same list again changes nothing: every entry is already watched.
    upload("?group=refilter", data("refilter-blocked-ips.lst"), "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(0))
        .body("existing", equalTo(44_036));
  }

  @Test
  void importsTheRegistryDumpDetectingItsFormatAndEncoding() {
    upload("?group=rkn", data("zapret-info-dump-2014-04-22.csv"), "text/csv")
        .then()
        .statusCode(200)
        .body("format", equalTo("registry-csv"))
        .body("lines", equalTo(2151))
        .body("invalidCount", equalTo(0))
        .body("created", equalTo(2562));
    given()
        .queryParam("q", "xn--80affxdmh4i.com")
        .get("/api/watches")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].note", equalTo("registry: 2/1/11-2568 (ФСКН, 2013-02-17)"));
  }

  @Test
  void aRouterOsExportMakesItsCommentsGroups() {
    upload("", SEED_ROUTES.getBytes(StandardCharsets.UTF_8), "text/plain")
        .then()
        .statusCode(200)
        .body("format", equalTo("routeros"))
        .body("created", equalTo(5))
        .body("groupsCreated", contains("linkedin", "rutracker", "telegram"));
    given().get("/api/watches?group=linkedin").then().header("X-Total-Count", "3");
    given().get("/api/groups/telegram").then().body("watchCount", equalTo(1));
  }

  @Test
  void aBadLineFailsTheWholeImportListingEveryBadLine() {
    GroupResourceTest.createGroup("{\"name\": \"x\"}");
    WatchResourceTest.createWatch("{\"target\": \"203.0.113.7\", \"group\": \"x\"}");
    byte[] list = "1.2.3.4\n300.1.1.1\nfoo bar.org\n\n# c\n1.2.3.0/33\n5.6.7.8\n".getBytes();
    upload("?group=x", list, "text/plain")
        .then()
        .statusCode(422)
        .contentType("application/problem+json")
        .body("errorCount", equalTo(3))
        .body("errors.line", contains(2, 3, 6))
        .body("errors[0].text", equalTo("300.1.1.1"))
        .body("errors[2].message", containsString("prefix length 33"))
        .body("detail", containsString("mode=skip-invalid"));
    given()
        .get("/api/watches?group=x")
        .then()
        .header("X-Total-Count", "1")
        .body("[0].target", equalTo("203.0.113.7"));

    upload("?group=x&mode=skip-invalid", list, "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(2))
        .body("invalidCount", equalTo(3))
        .body("invalid.line", contains(2, 3, 6));
    given().get("/api/watches?group=x").then().header("X-Total-Count", "3");
  }

  @Test
  void anEmptyImportIsRefused() {
    upload("?group=x", new byte[0], "text/plain")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("detail", containsString("holds no entries"));
    upload("?group=x", "# only a comment\n\n".getBytes(), "text/plain").then().statusCode(400);
    assertThat(db.count("WatchGroup")).isZero();
  }

  @Test
  void anEntryWithoutAGroupIsReported() {
    upload("", "1.2.3.4\n".getBytes(), "text/plain")
        .then()
        .statusCode(422)
        .body("errors[0].message", containsString("?group=NAME"));
  }

  @Test
  void aCsvDeclaredInTheWrongEncodingIsRefusedWithTheLine() {
    upload("?group=rkn", data("zapret-info-dump-2014-04-22.csv"), "text/csv; charset=utf-8")
        .then()
        .statusCode(422)
        .body("errors[0].line", equalTo(2))
        .body("errors[0].message", containsString("not valid UTF-8"))
        .body("errors[0].message", containsString("windows-1251"));
    assertThat(db.count("Watch")).isZero();

    byte[] utf16 = "1.2.3.4\n".getBytes(StandardCharsets.UTF_16LE);
    upload("?group=x", utf16, "text/plain")
        .then()
        .statusCode(422)
        .body("errors[0].message", containsString("NUL bytes"));
    upload("?group=x", "1.2.3.4\n".getBytes(), "text/plain; charset=klingon")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("Content-Type"));
  }

  @Test
  void aHabitualLatin1DeclarationDoesNotMangleTheDump() {
    upload("?group=rkn", data("zapret-info-dump-2014-04-22.csv"), "text/csv; charset=ISO-8859-1")
        .then()
        .statusCode(200)
        .body("created", equalTo(2562));
    given()
        .queryParam("q", "xn--80affxdmh4i.com")
        .get("/api/watches")
        .then()
        .header("X-Total-Count", "1");
  }

  @Test
  void unknownFormatAndModeAreNamed() {
    upload("?group=x&format=xls&mode=yolo", "1.2.3.4".getBytes(), "text/plain")
        .then()
        .statusCode(400)
        .body("errors.field", contains("format", "mode"));
  }

  @Test
  void aCidrListRefusesHostNames() {
    upload("?group=telegram&format=cidr", "91.108.4.0/22\ntelegram.org\n".getBytes(), "text/plain")
        .then()
        .statusCode(422)
        .body("errors[0].line", equalTo(2));
  }

  @Test
  void a200MegabyteImportIsRefusedBeforeItIsRead() throws Exception {
    HttpResponse<String> response = postLines(200L * 1024 * 1024, true);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("detour.import.max-bytes");
    assertThat(db.count("Watch")).isZero();
  }

  @Test
  void aStreamedUploadOverTheLimitIsCutOffWith413() throws Exception {
    // No Content-Length: the limit is enforced while reading.
    HttpResponse<String> response = postLines(200L * 1024 * 1024, false);
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(db.count("Watch")).isZero();
  }

  private HttpResponse<String> postLines(long size, boolean withLength) throws Exception {
    HttpRequest.BodyPublisher body =
        withLength
            ? HttpRequest.BodyPublishers.fromPublisher(lines(size), size)
            : HttpRequest.BodyPublishers.fromPublisher(lines(size));
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .build()
        .send(
            HttpRequest.newBuilder(java.net.URI.create(importUrl + "?group=big"))
                .header("Content-Type", "text/plain")
                .POST(body)
                .timeout(Duration.ofSeconds(120))
                .build(),
            HttpResponse.BodyHandlers.ofString());
  }

  /** {@code size} bytes of valid lines, made as they are sent rather than held in memory. */
  private static java.util.concurrent.Flow.Publisher<java.nio.ByteBuffer> lines(long size) {
    byte[] chunk = "198.18.0.1\n".repeat(6000).getBytes(StandardCharsets.US_ASCII);
    AtomicLong left = new AtomicLong(size);
    return HttpRequest.BodyPublishers.ofInputStream(
        () ->
            new InputStream() {
              int at = chunk.length;

              @Override
              public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0];
              }

              @Override
              public int read(byte[] b, int off, int len) {
                if (left.get() <= 0) {
                  return -1;
                }
                if (at == chunk.length) {
                  at = 0;
                }
                int n = (int) Math.min(Math.min(len, chunk.length - at), left.get());
                System.arraycopy(chunk, at, b, off, n);
                at += n;
                left.addAndGet(-n);
                return n;
              }
            });
  }

  @Test
  void replaceRemovesWhatTheListNoLongerHasAndDryRunStoresNothing() {
    upload("?group=tg", "1.2.3.4\n1.2.3.5\n1.2.3.6\n".getBytes(), "text/plain")
        .then()
        .statusCode(200);
    upload("?group=tg&replace=true&dryRun=true", "1.2.3.4\n9.9.9.9\n".getBytes(), "text/plain")
        .then()
        .statusCode(200)
        .body("dryRun", equalTo(true))
        .body("created", equalTo(1))
        .body("removed", equalTo(2));
    given().get("/api/watches?group=tg").then().header("X-Total-Count", "3");
    upload("?group=tg&replace=true", "1.2.3.4\n9.9.9.9\n".getBytes(), "text/plain")
        .then()
        .statusCode(200)
        .body("removed", equalTo(2));
    given().get("/api/watches?group=tg").then().body("target", contains("1.2.3.4", "9.9.9.9"));
  }

  @Test
  void tagsGivenToTheImportGoOnEveryEntry() {
    upload("?group=tg&tag=refilter&tag=july", "1.2.3.4\n".getBytes(), "text/plain")
        .then()
        .statusCode(200);
    given().get("/api/watches?tag=july").then().body("[0].tags", contains("july", "refilter"));
  }

  @Test
  void aJsonExportImportsBackUnchanged() {
    upload("", SEED_ROUTES.getBytes(StandardCharsets.UTF_8), "text/plain").then().statusCode(200);
    WatchResourceTest.createWatch(
        "{\"target\": \"rutracker.org\", \"group\": \"rutracker\", \"ports\": [80],"
            + " \"tags\": [\"seed\"], \"note\": \"block page\", \"enabled\": false}");
    byte[] json =
        given()
            .get("/api/watches/export?format=json")
            .then()
            .statusCode(200)
            .contentType("application/json")
            .header("Content-Disposition", containsString("detour-watches.json"))
            .extract()
            .asByteArray();
    db.clear();
    upload("", json, "application/json")
        .then()
        .statusCode(200)
        .body("format", equalTo("json"))
        .body("created", equalTo(6));
    given()
        .get("/api/watches?group=rutracker&kind=host")
        .then()
        .body("[0].ports", contains(80))
        .body("[0].tags", contains("seed"))
        .body("[0].note", equalTo("block page"))
        .body("[0].enabled", equalTo(false));
  }

  @Test
  void exportsPlainAndRouterOsThatImportBack() {
    upload("", SEED_ROUTES.getBytes(StandardCharsets.UTF_8), "text/plain").then().statusCode(200);
    String plain =
        given()
            .get("/api/watches/export?group=linkedin")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(plain.lines().filter(l -> !l.startsWith("#")))
        .containsExactly("91.225.248.0/22", "108.174.0.0/20", "185.63.144.0/22");

    String script =
        given()
            .get("/api/watches/export?format=routeros&gateway=gre-tunnel1")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    assertThat(script)
        .contains(
            "add comment=telegram distance=1 dst-address=149.154.164.0/22 gateway=gre-tunnel1");
    db.clear();
    upload("", script.getBytes(StandardCharsets.UTF_8), "text/plain")
        .then()
        .body("format", equalTo("routeros"))
        .body("created", equalTo(5));
    given()
        .get("/api/watches/export?format=xml")
        .then()
        .statusCode(400)
        .body("errors[0].field", equalTo("format"));
  }

  @Test
  void exportsCidrForIpsetAndFirewallsWithNoCommentAndNoHostThatImportsBack() {
    upload(
            "?group=mixed",
            "telegram.org\n203.0.113.7\n2001:db8::7\n198.51.100.0/24\n"
                .getBytes(StandardCharsets.UTF_8),
            "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(4));
    String cidr =
        given()
            .get("/api/watches/export?format=cidr&group=mixed")
            .then()
            .statusCode(200)
            .header("Content-Disposition", containsString("detour-watches-mixed.cidr.txt"))
            .extract()
            .asString();
    assertThat(cidr.lines())
        .containsExactlyInAnyOrder("203.0.113.7/32", "2001:db8::7/128", "198.51.100.0/24");
    db.clear();
    upload("?group=back&format=cidr", cidr.getBytes(StandardCharsets.UTF_8), "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(3));
  }

  @Test
  void duplicatesInsideAListAreImportedOnceWithAWarning() {
    upload("?group=x", "1.2.3.4\n1.2.3.4/32\n".getBytes(), "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(1))
        .body("duplicates", equalTo(1))
        .body("warnings.line", hasItem(2))
        .body("invalid", nullValue());
    given().get("/api/watches?group=x").then().body("", hasSize(1));
  }

  @Test
  void aGzippedListIsReadAsItIsAndABinaryFileIsRefusedWithWhatItIs() throws IOException {
    java.io.ByteArrayOutputStream packed = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(packed)) {
      gz.write("198.51.100.1\n198.51.100.2\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    upload("?group=gz", packed.toByteArray(), "application/gzip")
        .then()
        .statusCode(200)
        .body("created", equalTo(2))
        .body("format", equalTo("plain+gzip"));

    byte[] zip = {0x50, 0x4b, 0x03, 0x04, 20, 0, 0, 0, 8, 0};
    upload("?group=bin", zip, "application/octet-stream")
        .then()
        .statusCode(400)
        .contentType("application/problem+json")
        .body("errors[0].field", equalTo("body"))
        .body("errors[0].message", containsString("the upload is a zip archive, not a list"));
    byte[] garbage = new byte[50_000];
    new java.util.Random(1).nextBytes(garbage);
    garbage[100] = 0;
    upload("?group=bin", garbage, "text/plain")
        .then()
        .statusCode(400)
        .body("errors[0].message", containsString("binary data (it holds NUL bytes)"));
    byte[] cut = java.util.Arrays.copyOf(packed.toByteArray(), 12);
    upload("?group=bin", cut, "application/gzip")
        .then()
        .statusCode(400)
        .body("errors[0].message", containsString("does not unpack"));
    // Text that starts as a short signature does ("MZ", "BZh") is text.
    upload("?group=bin", "MZA.example\nBZH.example\n".getBytes(), "text/plain")
        .then()
        .statusCode(200)
        .body("created", equalTo(2));
    given().get("/api/watches?group=bin").then().statusCode(200).body("", hasSize(2));
  }
}
