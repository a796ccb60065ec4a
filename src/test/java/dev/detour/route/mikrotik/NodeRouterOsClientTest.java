package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The emulated router's API driven by {@code node-routeros} from npm, a client nobody here wrote
 * ({@code src/test/routeros-node}: the version pinned in its package.json and package-lock.json,
 * installed with {@code npm ci} into {@code target/routeros-node} when it is not there yet): it
 * adds, lists, filters ({@code ?} words and {@code ?#} operations), sets and removes routes, and
 * after each step what it saw and what the router holds agree.
 */
class NodeRouterOsClientTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Path SOURCE = Path.of("src/test/routeros-node");
  private static final Path HOME = Path.of("target/routeros-node");

  private final RouterOsEmulator router = new RouterOsEmulator();

  @BeforeAll
  static void install() throws Exception {
    StepByStep.require("nodejs", "node", "--version");
    StepByStep.require("npm", "npm", "--version");
    Files.createDirectories(HOME);
    Path lock = HOME.resolve("package-lock.json");
    boolean sameLock =
        Files.exists(lock)
            && Files.mismatch(lock, SOURCE.resolve("package-lock.json")) == -1
            && Files.isDirectory(HOME.resolve("node_modules/node-routeros"));
    for (String file : List.of("package.json", "package-lock.json", "routes.js")) {
      Files.copy(SOURCE.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    if (sameLock) {
      return;
    }
    Path log = Files.createTempFile("npm-ci", ".log");
    try {
      Process npm =
          new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund")
              .directory(HOME.toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      if (!npm.waitFor(5, TimeUnit.MINUTES)) {
        npm.destroyForcibly();
        fail("npm ci in %s took more than 5 minutes:%n%s", HOME, Files.readString(log));
      }
      if (npm.exitValue() != 0) {
        fail("npm ci in %s failed:%n%s", HOME, Files.readString(log));
      }
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @AfterEach
  void close() {
    router.close();
  }

  private StepByStep run(String mode) throws IOException {
    return new StepByStep(
        List.of(
            "node",
            "routes.js",
            "127.0.0.1",
            Integer.toString(router.apiPort()),
            RouterOsEmulator.USER,
            RouterOsEmulator.PASSWORD,
            mode),
        HOME,
        Duration.ofSeconds(30));
  }

  /** The next step's value, after checking it is that step. */
  private static JsonNode next(StepByStep script, String step) throws Exception {
    JsonNode line = JSON.readTree(script.next());
    assertThat(line.path("step").asText()).as(line.toString()).isEqualTo(step);
    return line.path("value");
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> rows(JsonNode value) {
    List<Map<String, String>> rows = new ArrayList<>();
    value.forEach(row -> rows.add(JSON.convertValue(row, Map.class)));
    return rows;
  }

  @ParameterizedTest
  @ValueSource(strings = {"6.49.10 (long-term)", "7.16 (stable)"})
  void addsListsFiltersSetsAndRemovesRoutes(String version) throws Exception {
    router.resource(version, "CHR");
    try (StepByStep script = run("steps")) {
      String first = next(script, "add").path(0).path("ret").asText();
      assertThat(router.route("10.44.0.0/16"))
          .containsEntry(".id", first)
          .containsEntry("gateway", "gre-tunnel1")
          .containsEntry("comment", "node");
      script.proceed();

      String second = next(script, "add-second").path(0).path("ret").asText();
      assertThat(router.route("10.45.0.0/16"))
          .containsEntry(".id", second)
          .containsEntry("distance", "5");
      script.proceed();

      List<Map<String, String>> list = rows(next(script, "list"));
      assertThat(list)
          .extracting(row -> row.get(".id"))
          .containsExactlyElementsOf(
              router.entries("ip/route").stream().map(e -> e.get(".id")).toList());
      assertThat(list)
          .filteredOn(row -> row.get(".id").equals(first))
          .singleElement()
          .satisfies(row -> assertThat(row).containsEntry("dst-address", "10.44.0.0/16"));
      script.proceed();

      assertThat(rows(next(script, "filter")))
          .containsExactly(Map.of(".id", second, "dst-address", "10.45.0.0/16", "distance", "5"));
      script.proceed();
      assertThat(rows(next(script, "filter-or")))
          .containsExactly(
              Map.of("dst-address", "10.44.0.0/16"), Map.of("dst-address", "10.45.0.0/16"));
      script.proceed();
      assertThat(rows(next(script, "filter-not")))
          .containsExactly(Map.of("dst-address", "10.44.0.0/16"));
      script.proceed();

      assertThat(rows(next(script, "set"))).isEmpty();
      assertThat(router.route("10.44.0.0/16"))
          .containsEntry("gateway", "192.0.2.1")
          .containsEntry("distance", "3");
      script.proceed();
      assertThat(rows(next(script, "get")))
          .singleElement()
          .satisfies(
              row ->
                  assertThat(row)
                      .containsEntry("gateway", "192.0.2.1")
                      .containsEntry("distance", "3"));
      script.proceed();

      assertThat(rows(next(script, "remove"))).isEmpty();
      assertThat(router.route("10.44.0.0/16")).isNull();
      assertThat(router.route("10.45.0.0/16")).isNotNull();
      script.proceed();
      assertThat(rows(next(script, "get-removed"))).isEmpty();
      script.proceed();

      assertThat(next(script, "remove-again").asText()).isEqualTo("no such item");
      script.proceed();

      assertThat(script.exit()).as(script.errors()).isZero();
    }
  }

  /**
   * Where the library and the emulator disagree, the manual decides: RouterOS 7.18 and later answer
   * a print that finds nothing with {@code !empty}, which node-routeros 1.6.9 (the last release;
   * the project is discontinued) does not know, and it fails with its own "unknown reply" error.
   */
  @Test
  void release169PredatesEmptyAndFailsOnAnEmptyPrintFromRouterOs718() throws Exception {
    router.resource("7.19.4 (stable)", "CHR");
    try (StepByStep script = run("empty")) {
      assertThat(next(script, "error").asText()).isEqualTo("UNKNOWNREPLY");
      assertThat(script.exit()).isEqualTo(3);
    }
  }
}
