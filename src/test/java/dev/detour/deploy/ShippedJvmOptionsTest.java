package dev.detour.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.testing.ShippedJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The JVM options Detour ships with are the same wherever it is started: the README's command (the
 * pom's detour.jvm.options, passed by quarkus:run), the systemd unit in docs/deployment.md, the
 * image and the Helm chart — each with two malloc arenas. One place measured (docs/deployment.md,
 * the benchmark), every place shipped.
 */
class ShippedJvmOptionsTest {

  private final String options = ShippedJvm.options();

  @Test
  void theRunCommandPassesThemToTheJvm() throws Exception {
    String pom = Files.readString(Path.of("pom.xml"));
    assertThat(pom)
        .contains(
            "<envVars>JDK_JAVA_OPTIONS=${detour.jvm.options}"
                + " -XX:SharedArchiveFile=${detour.cds.archive},MALLOC_ARENA_MAX=2</envVars>");
    assertThat(Files.readString(Path.of("README.md")))
        .contains("sudo mvn -q package -DskipTests quarkus:run");
    assertThat(options).as("no commas: envVars splits on them").doesNotContain(",");
  }

  @Test
  void theSystemdUnitTheImageAndTheChartCarryTheSame() throws Exception {
    String deployment = Files.readString(Path.of("docs/deployment.md"));
    assertThat(deployment)
        .contains(
            "ExecStart=/usr/bin/java "
                + options
                + " -XX:SharedArchiveFile=/opt/detour/detour.jsa -jar /opt/detour/quarkus-run.jar")
        .contains("Environment=MALLOC_ARENA_MAX=2");
    String dockerfile = Files.readString(Path.of("docker/Dockerfile"));
    assertThat(dockerfile)
        .contains("JAVA_TOOL_OPTIONS=\"-XX:MaxRAMPercentage=70 " + options + "\"")
        .contains("MALLOC_ARENA_MAX=2");
    List<JsonNode> docs = HelmChartTest.render(null);
    JsonNode env =
        HelmChartTest.kind(docs, "Deployment").at("/spec/template/spec/containers/0/env");
    assertThat(value(env, "JAVA_TOOL_OPTIONS")).isEqualTo("-XX:MaxRAMPercentage=70 " + options);
    assertThat(value(env, "MALLOC_ARENA_MAX")).isEqualTo("2");
  }

  private static String value(JsonNode env, String name) {
    for (JsonNode e : env) {
      if (e.path("name").asText().equals(name)) {
        return e.path("value").asText();
      }
    }
    return null;
  }
}
