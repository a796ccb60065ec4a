package dev.detour.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * What can be checked of docker/ without a Docker engine: the Dockerfile's instructions are known
 * ones and what it copies exists; the compose file parses, mounts files that exist, gives Detour
 * its capabilities and the host's network, and provisions Grafana with the dashboards and a data
 * source they use.
 */
class DockerFilesTest {

  static final Path DOCKER = Path.of("docker");
  static final ObjectMapper YAML = new YAMLMapper();
  static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void theDockerfileIsWellFormedAndCopiesWhatExists() throws Exception {
    List<String> lines = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : Files.readAllLines(DOCKER.resolve("Dockerfile"))) {
      String line = raw.strip();
      if (current.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      lines.add(current.append(line).toString());
      current.setLength(0);
    }
    List<String> known =
        List.of(
            "FROM",
            "ARG",
            "WORKDIR",
            "COPY",
            "RUN",
            "ENV",
            "VOLUME",
            "USER",
            "EXPOSE",
            "ENTRYPOINT",
            "LABEL");
    for (String line : lines) {
      assertThat(known).as("instruction of: %s", line).contains(line.split("\\s+")[0]);
    }
    assertThat(lines.get(0)).startsWith("FROM ");
    for (String line : lines) {
      if (line.startsWith("COPY ") && !line.contains("--from=")) {
        String[] parts = line.split("\\s+");
        for (int i = 1; i < parts.length - 1; i++) {
          assertThat(Path.of(parts[i])).as("%s copies what exists", line).exists();
        }
      }
    }
    String text = String.join("\n", lines);
    assertThat(text)
        .contains("libpcap0.8", "setcap cap_net_raw,cap_net_admin+ep", "USER 10001")
        .contains("-Dquarkus.datasource.db-kind=${DB_KIND}");
    // A java with file capabilities ignores its RPATH: its lib directory goes into the loader's
    // cache, or the non-root user cannot start it.
    assertThat(text)
        .containsSubsequence(
            "setcap ", "echo \"$JAVA_HOME/lib\" > /etc/ld.so.conf.d/", "&& ldconfig");
  }

  @Test
  void composeMountsWhatExistsAndProvisionsGrafana() throws Exception {
    JsonNode compose = YAML.readTree(DOCKER.resolve("compose.yaml").toFile());
    JsonNode services = compose.get("services");
    assertThat(services.fieldNames())
        .toIterable()
        .containsExactlyInAnyOrder("db", "detour", "prometheus", "grafana");
    JsonNode detour = services.get("detour");
    assertThat(detour.get("network_mode").asText()).isEqualTo("host");
    assertThat(detour.get("cap_add").toString()).contains("NET_RAW", "NET_ADMIN");
    assertThat(
            DOCKER
                .resolve(detour.at("/build/context").asText())
                .resolve(detour.at("/build/dockerfile").asText()))
        .exists();
    List<String> named = new ArrayList<>();
    compose.get("volumes").fieldNames().forEachRemaining(named::add);
    for (var it = services.fields(); it.hasNext(); ) {
      var service = it.next();
      for (JsonNode v : service.getValue().path("volumes")) {
        String source = v.asText().split(":")[0];
        if (source.startsWith(".")) {
          assertThat(DOCKER.resolve(source)).as("%s mounts %s", service.getKey(), source).exists();
        } else {
          assertThat(named)
              .as("%s: volume %s is declared", service.getKey(), source)
              .contains(source);
        }
      }
    }
    // Grafana: the provisioned data source is the uid the dashboards fall back on, the
    // dashboards folder is where the provider looks, and every dashboard parses.
    JsonNode provider =
        YAML.readTree(Path.of("grafana/provisioning/dashboards/detour.yml").toFile());
    String path = provider.at("/providers/0/options/path").asText();
    assertThat(services.get("grafana").get("volumes").toString())
        .contains("../grafana/dashboards:" + path);
    JsonNode datasource =
        YAML.readTree(Path.of("grafana/provisioning/datasources/prometheus.yml").toFile());
    assertThat(datasource.at("/datasources/0/type").asText()).isEqualTo("prometheus");
    try (var files = Files.list(Path.of("grafana/dashboards"))) {
      for (Path f : files.toList()) {
        JsonNode d = JSON.readTree(f.toFile());
        assertThat(d.get("uid").asText()).as(f.toString()).startsWith("detour-");
        assertThat(d.get("panels")).as(f.toString()).isNotEmpty();
      }
    }
    // Prometheus there loads the rules promtool tests.
    String prometheus = Files.readString(Path.of("grafana/prometheus/prometheus.yml"));
    Matcher rules = Pattern.compile("- (/etc/prometheus/\\S+)").matcher(prometheus);
    assertThat(rules.find()).isTrue();
    assertThat(services.get("prometheus").get("volumes").toString())
        .contains("../grafana/prometheus/detour.rules.yml:" + rules.group(1));
  }
}
