package dev.detour.watch;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.testing.Database;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.TestSecurity;
import io.restassured.config.EncoderConfig;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Mutated lists for every importer and hostile JSON for every operation of the API that takes a
 * body, as the OpenAPI document lists them: each answer is a 2xx or a 4xx problem that says what is
 * wrong — never a 5xx, never slower than a bound — and a refused import stores nothing. The
 * mutations come from fixed seeds, so a failure names the input that caused it and repeats.
 */
@QuarkusTest
@TestSecurity(user = "admin", roles = "admin")
class ImportAndApiFuzzTest {

  private static final int MUTATIONS_PER_FORMAT = 60;
  private static final long SLOWEST_MILLIS = 20_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Inject Database db;

  @io.quarkus.test.common.http.TestHTTPResource("/api/groups")
  java.net.URL groups;

  @BeforeEach
  void clean() {
    db.clear();
  }

  /** A list of each format, as the importers meet them. */
  private static Map<String, byte[]> seeds() throws IOException {
    byte[] registry;
    try (InputStream in =
        ImportAndApiFuzzTest.class.getResourceAsStream("/data/zapret-info-dump-2014-04-22.csv")) {
      // The head of the real dump, in its own encoding (windows-1251).
      registry = Arrays.copyOf(in.readAllBytes(), 4096);
    }
    return Map.of(
        "plain",
        "149.154.167.99\n91.108.4.0/22\ntelegram.org\n# a comment\n*.t.me\n".getBytes(),
        "cidr",
        "91.108.4.0/22\n149.154.160.0/20\n".getBytes(),
        "lst",
        "149.154.167.99\n91.108.56.0/22\n2001:67c:4e8::/48\n".getBytes(),
        "registry-csv",
        registry,
        "routeros",
        WatchImportTest.SEED_ROUTES.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void everyImporterAnswersMutatedListsWithAClearFourHundredOrTakesThem() throws IOException {
    given().contentType("application/json").body("{\"name\":\"fuzz\"}").post("/api/groups");
    List<String> wrong = new ArrayList<>();
    int tried = 0;
    int refused = 0;
    for (Map.Entry<String, byte[]> seed : seeds().entrySet()) {
      Random random = new Random(seed.getKey().hashCode());
      for (int i = 0; i < MUTATIONS_PER_FORMAT; i++) {
        byte[] input = mutate(seed.getValue(), random);
        // Half as a dry run, half for real: a refused real import must store nothing.
        boolean dry = i % 2 == 0;
        long before = db.count("Watch");
        String query = "?group=fuzz&format=" + seed.getKey() + (dry ? "&dryRun=true" : "");
        long start = System.nanoTime();
        Response r = upload(query, input);
        long millis = (System.nanoTime() - start) / 1_000_000;
        tried++;
        String what = seed.getKey() + " mutation " + i + " (" + input.length + " bytes)";
        check(what, r, millis, wrong);
        if (r.statusCode() >= 400) {
          refused++;
          if (db.count("Watch") != before) {
            wrong.add(
                what
                    + ": refused, yet the watches went from "
                    + before
                    + " to "
                    + db.count("Watch"));
          }
        }
        if (dry && db.count("Watch") != before) {
          wrong.add(what + ": a dry run stored watches");
        }
      }
    }
    System.out.printf(
        "fuzz: %d mutated imports over %d formats, %d refused with a problem%n",
        tried, seeds().size(), refused);
    assertThat(wrong).as("importer answers that were not a clear 4xx or a 2xx").isEmpty();
    assertThat(refused).as("the mutations break lists (of %d)", tried).isGreaterThan(tried / 10);
    assertThat(refused).as("and leave some whole").isLessThan(tried);
  }

  @Test
  void everyOperationTakingJsonAnswersHostileBodiesWithAClearFourHundred() throws Exception {
    JsonNode document =
        JSON.readTree(given().get("/q/openapi?format=json").then().extract().asString());
    JsonNode paths = document.path("paths");
    JsonNode components = document.path("components");
    List<String> bodies = hostileBodies();
    List<String> wrong = new ArrayList<>();
    int operations = 0;
    int sent = 0;
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (String method : List.of("post", "put", "patch")) {
        JsonNode op = path.getValue().path(method);
        if (!op.path("requestBody").path("content").has("application/json")) {
          continue;
        }
        operations++;
        String target = path.getKey().replaceAll("\\{[^}]+}", "1");
        List<String> cases = new ArrayList<>(bodies);
        cases.addAll(wrongTypes(op, components));
        for (String body : cases) {
          long start = System.nanoTime();
          Response r =
              client()
                  .contentType("application/json")
                  .body(body.getBytes(StandardCharsets.UTF_8))
                  .request(method.toUpperCase(Locale.ROOT), target);
          long millis = (System.nanoTime() - start) / 1_000_000;
          sent++;
          statuses.merge(r.statusCode(), 1, Integer::sum);
          String shown = body.length() > 80 ? body.substring(0, 80) + "…" : body;
          check(method.toUpperCase(Locale.ROOT) + " " + target + " " + shown, r, millis, wrong);
        }
      }
    }
    // Memory stays bounded: a body larger than any the API takes is refused unread, and so is one
    // of unknown length.
    byte[] huge = new byte[8 << 20];
    Arrays.fill(huge, (byte) ' ');
    huge[0] = '{';
    huge[huge.length - 1] = '}';
    client()
        .contentType("application/json")
        .body(huge)
        .post("/api/groups")
        .then()
        .statusCode(413)
        .contentType("application/problem+json");
    java.net.http.HttpResponse<String> chunked =
        dev.detour.testing.Chunked.post(groups, "{\"name\":\"c\"}");
    assertThat(chunked.statusCode()).as(chunked.body()).isEqualTo(411);
    System.out.printf(
        "fuzz: %d operations taking JSON, %d bodies sent, answers by status %s%n",
        operations, sent, statuses);
    assertThat(operations).as("operations with a JSON body").isGreaterThan(10);
    assertThat(wrong).as("answers to hostile JSON that were not a clear 4xx or a 2xx").isEmpty();
  }

  /** Bodies no operation should take, whatever its shape. */
  private static List<String> hostileBodies() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    String deepObject = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
    return List.of(
        "",
        "{",
        "}",
        "null",
        "[]",
        "[{}]",
        "42",
        "\"text\"",
        "true",
        "{\"\":1}",
        "{\"a\":1,\"a\":2}",
        "{\"name\":\"\\u0000\\ud800\"}",
        "{\"name\":" + "9".repeat(5000) + "}",
        "{\"name\":1e400}",
        "{\"name\":\"" + "x".repeat(1_000_000) + "\"}",
        "\ufeff{}",
        "{/* comment */}",
        deep,
        deepObject,
        "{\"target\":\"0.0.0.0/0\",\"group\":\"x\",\"prefix\":\"0.0.0.0/0\"}");
  }

  /**
   * The operation's own fields, each given values of every wrong kind: null, a number out of range,
   * a string where a number goes, an array, an object, a huge string.
   */
  private static List<String> wrongTypes(JsonNode op, JsonNode components) {
    JsonNode schema =
        op.path("requestBody").path("content").path("application/json").path("schema");
    if (schema.has("$ref")) {
      schema = components.path("schemas").path(schema.get("$ref").asText().replaceAll(".*/", ""));
    }
    List<String> cases = new ArrayList<>();
    List<String> values =
        List.of(
            "null",
            "-1",
            "99999999999999999999",
            "\"x\"",
            "[]",
            "{}",
            "true",
            "\"" + "é".repeat(20_000) + "\"",
            "\"\\u0000\"");
    for (Iterator<String> fields = schema.path("properties").fieldNames(); fields.hasNext(); ) {
      String field = fields.next();
      for (String value : values) {
        cases.add("{\"" + field + "\":" + value + "}");
      }
    }
    return cases;
  }

  private static void check(String what, Response r, long millis, List<String> wrong) {
    int status = r.statusCode();
    if (millis > SLOWEST_MILLIS) {
      wrong.add(what + ": took " + millis + " ms");
    }
    if (status >= 500) {
      wrong.add(what + ": " + status + " " + r.asString());
      return;
    }
    if (status >= 400 && status != 404 && status != 405) {
      String type = r.contentType();
      String detail = "";
      try {
        detail = JSON.readTree(r.asString()).path("detail").asText("");
      } catch (IOException notJson) {
        // Said below.
      }
      if (!type.startsWith("application/problem+json") || detail.isBlank()) {
        wrong.add(
            what
                + ": "
                + status
                + " without a problem that says what to fix: "
                + type
                + " "
                + r.asString());
      }
    }
  }

  /** One of a few mutations a broken download, a wrong export or an attacker makes. */
  static byte[] mutate(byte[] seed, Random random) {
    byte[] b = seed.clone();
    switch (random.nextInt(10)) {
      case 0 -> { // bytes flipped at random
        for (int n = 0; n < 1 + random.nextInt(8); n++) {
          b[random.nextInt(b.length)] = (byte) random.nextInt(256);
        }
        return b;
      }
      case 1 -> { // cut short anywhere
        return Arrays.copyOf(b, random.nextInt(b.length));
      }
      case 2 -> { // NUL, CR, DEL and invalid UTF-8 in the middle
        int at = random.nextInt(b.length);
        byte[] junk = {0, '\r', 0x7f, (byte) 0xc3, (byte) 0x28, (byte) 0xff, (byte) 0xfe};
        return concat(Arrays.copyOf(b, at), junk, Arrays.copyOfRange(b, at, b.length));
      }
      case 3 -> { // one line of a megabyte
        byte[] line = new byte[1 << 20];
        Arrays.fill(line, (byte) ('0' + random.nextInt(10)));
        return concat(b, line, "\n".getBytes());
      }
      case 4 -> { // the same list fifty times over
        byte[] all = new byte[0];
        for (int n = 0; n < 50; n++) {
          all = concat(all, b);
        }
        return all;
      }
      case 5 -> { // a byte-order mark, then UTF-16
        return concat(
            new byte[] {(byte) 0xfe, (byte) 0xff},
            new String(b, StandardCharsets.ISO_8859_1).getBytes(StandardCharsets.UTF_16BE));
      }
      case 6 -> { // separators doubled and swapped
        String s = new String(b, StandardCharsets.ISO_8859_1);
        s = s.replace(";", ";;").replace("/", "//").replace("=", "==").replace("\n", "\r\n\r\n");
        return s.getBytes(StandardCharsets.ISO_8859_1);
      }
      case 7 -> { // addresses out of range and prefixes too long
        String s = new String(b, StandardCharsets.ISO_8859_1);
        return s.replaceAll("\\.\\d+(/|\\n|;| )", ".999$1")
            .replaceAll("/\\d+", "/" + (33 + random.nextInt(100)))
            .getBytes(StandardCharsets.ISO_8859_1);
      }
      case 8 -> { // Unicode: right-to-left marks, Cyrillic look-alikes, emoji
        return concat(
            b,
            "аpple.com\n\u202eevil.org\n\uD83D\uDE00.xn--p1ai\n".getBytes(StandardCharsets.UTF_8));
      }
      default -> { // random bytes only
        byte[] noise = new byte[1 + random.nextInt(4096)];
        random.nextBytes(noise);
        return noise;
      }
    }
  }

  private static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] all = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, all, at, p.length);
      at += p.length;
    }
    return all;
  }

  private static RequestSpecification client() {
    return given()
        .config(
            RestAssuredConfig.config()
                .httpClient(
                    HttpClientConfig.httpClientConfig()
                        .setParam("http.socket.timeout", (int) SLOWEST_MILLIS * 2)
                        .setParam("http.connection.timeout", 5000))
                .encoderConfig(
                    EncoderConfig.encoderConfig()
                        .appendDefaultContentCharsetToContentTypeIfUndefined(false)));
  }

  private static Response upload(String query, byte[] body) {
    return client().contentType("text/plain").body(body).post("/api/watches/import" + query);
  }
}
