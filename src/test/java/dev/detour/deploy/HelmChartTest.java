package dev.detour.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * helm/detour, checked by Helm itself through helm-java: lint, the values schema, and the manifests
 * it renders — capabilities, host network, probes, secrets kept out of the ConfigMap, the
 * PrometheusRule being grafana/'s rules, PostgreSQL for more than one replica.
 */
class HelmChartTest {

  static final Path CHART = Path.of("helm", "detour");
  static final ObjectMapper YAML = new YAMLMapper();

  static Path values(String yaml) throws IOException {
    Path file = Files.createTempFile("detour-values-", ".yaml");
    Files.writeString(file, yaml);
    file.toFile().deleteOnExit();
    return file;
  }

  /** The manifests of the chart rendered with these values, one node per document. */
  static List<JsonNode> render(Path values) throws IOException {
    var template = new Helm(CHART).template().withName("detour").withNamespace("net");
    if (values != null) {
      template = template.withValuesFile(values);
    }
    String out = template.call();
    List<JsonNode> docs = new ArrayList<>();
    try (var parser = new YAMLFactory().createParser(out)) {
      var it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && !doc.isNull() && doc.has("kind")) {
          docs.add(doc);
        }
      }
    }
    return docs;
  }

  static JsonNode kind(List<JsonNode> docs, String kind) {
    return docs.stream()
        .filter(d -> d.get("kind").asText().equals(kind))
        .findFirst()
        .orElse(MissingNode.getInstance());
  }

  static final String FULL =
      """
      adminPassword: s3cret-admin
      controlAgentToken: agent-s3cret-token
      routers:
        home:
          type: mikrotik-rest
          url: https://192.168.88.1
          username: detour
          password: router-pass
          gateway: gre-tunnel1
          max-routes: 3000
      alerts:
        channels:
          tg:
            type: telegram
            token: "123:bot-token"
            chat-id: "-100"
            events: [blocked, cleared]
          hook:
            type: webhook
            url: https://hooks.example.org/detour
            secret: hook-s3cret-value
      config:
        detour.probe.interval: 30s
      serviceMonitor:
        enabled: true
      prometheusRule:
        enabled: true
      """;

  @Test
  void helmLintPasses() throws Exception {
    LintResult plain = new Helm(CHART).lint().strict().call();
    assertThat(plain.isFailed()).as("helm lint: %s", plain.getMessages()).isFalse();
  }

  @Test
  void theDefaultsRunOneInstanceOnTheNodesNetworkWithItsCapabilitiesAndAVolume() throws Exception {
    List<JsonNode> docs = render(null);
    JsonNode deploy = kind(docs, "Deployment");
    JsonNode pod = deploy.at("/spec/template/spec");
    JsonNode c = pod.at("/containers/0");
    assertThat(deploy.at("/spec/replicas").asInt()).isEqualTo(1);
    assertThat(deploy.at("/spec/strategy/type").asText()).isEqualTo("Recreate");
    assertThat(pod.get("hostNetwork").asBoolean()).isTrue();
    assertThat(pod.get("dnsPolicy").asText()).isEqualTo("ClusterFirstWithHostNet");
    assertThat(c.get("image").asText()).isEqualTo("ghcr.io/detour-dev/detour:0.1.0-h2");
    List<String> added = new ArrayList<>();
    c.at("/securityContext/capabilities/add").forEach(x -> added.add(x.asText()));
    assertThat(added).containsExactlyInAnyOrder("NET_RAW", "NET_ADMIN");
    assertThat(c.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
    assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
    assertThat(c.at("/startupProbe/httpGet/path").asText()).isEqualTo("/q/health/started");
    assertThat(c.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/q/health/live");
    assertThat(c.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/q/health/ready");
    assertThat(c.at("/resources/limits/memory").asText()).isEqualTo("768Mi");
    assertThat(kind(docs, "PersistentVolumeClaim").at("/spec/resources/requests/storage").asText())
        .isEqualTo("2Gi");
    assertThat(pod.toString()).contains("\"claimName\":\"detour-data\"");
    assertThat(kind(docs, "Service").at("/spec/ports/0/targetPort").asText()).isEqualTo("http");
    assertThat(kind(docs, "ServiceMonitor").isMissingNode()).isTrue();
    assertThat(kind(docs, "PrometheusRule").isMissingNode()).isTrue();
    // No admin password given: the env var reads an optional key, Detour generates one.
    JsonNode admin = env(c, "DETOUR_ADMIN_PASSWORD");
    assertThat(admin.at("/valueFrom/secretKeyRef/key").asText()).isEqualTo("admin-password");
    assertThat(admin.at("/valueFrom/secretKeyRef/optional").asBoolean()).isTrue();
  }

  static JsonNode env(JsonNode container, String name) {
    for (JsonNode e : container.get("env")) {
      if (e.get("name").asText().equals(name)) {
        return e;
      }
    }
    return MissingNode.getInstance();
  }

  @Test
  void secretsGoToTheSecretAndReachDetourAsFilesNeverThroughTheConfigMap() throws Exception {
    List<JsonNode> docs = render(values(FULL));
    JsonNode secret = kind(docs, "Secret").get("stringData");
    assertThat(secret.get("admin-password").asText()).isEqualTo("s3cret-admin");
    assertThat(secret.get("router-home-password").asText()).isEqualTo("router-pass");
    assertThat(secret.get("alert-tg-token").asText()).isEqualTo("123:bot-token");
    assertThat(secret.get("alert-hook-secret").asText()).isEqualTo("hook-s3cret-value");
    assertThat(secret.get("control-agent-token").asText()).isEqualTo("agent-s3cret-token");
    String properties = kind(docs, "ConfigMap").at("/data/application.properties").asText();
    assertThat(properties)
        .contains(
            "detour.routers.home.type=mikrotik-rest",
            "detour.routers.home.max-routes=3000",
            "detour.routers.home.password-file=/etc/detour/secrets/router-home-password",
            "detour.alerts.channels.tg.events=blocked,cleared",
            "detour.alerts.channels.tg.token-file=/etc/detour/secrets/alert-tg-token",
            "detour.alerts.channels.hook.secret-file=/etc/detour/secrets/alert-hook-secret",
            "detour.probe.interval=30s")
        .doesNotContain(
            "router-pass", "bot-token", "hook-s3cret-value", "s3cret-admin", "agent-s3cret-token");
    JsonNode pod = kind(docs, "Deployment").at("/spec/template/spec");
    assertThat(
            env(pod.at("/containers/0"), "DETOUR_CONTROL_AGENT_TOKEN")
                .at("/valueFrom/secretKeyRef/key")
                .asText())
        .isEqualTo("control-agent-token");
    assertThat(pod.toString())
        .contains("\"mountPath\":\"/etc/detour/secrets\"", "\"mountPath\":\"/opt/detour/config\"");
    assertThat(kind(docs, "ServiceMonitor").at("/spec/endpoints/0/path").asText())
        .isEqualTo("/q/metrics");
    JsonNode rules = kind(docs, "PrometheusRule").at("/spec/groups/0/rules");
    JsonNode grafana =
        YAML.readTree(Path.of("grafana", "prometheus", "detour.rules.yml").toFile())
            .at("/groups/0/rules");
    assertThat(rules).isEqualTo(grafana);
    assertThat(rules).hasSize(9);
  }

  @Test
  void moreThanOneReplicaNeedsPostgreSql() throws Exception {
    assertThatThrownBy(() -> render(values("replicaCount: 2\n")))
        .hasMessageContaining("database.embedded=true runs one replica");
    assertThatThrownBy(() -> render(values("database:\n  embedded: false\n")))
        .hasMessageContaining("needs database.postgresql.url");
    List<JsonNode> docs =
        render(
            values(
                """
                replicaCount: 2
                database:
                  embedded: false
                  postgresql:
                    url: jdbc:postgresql://pg:5432/detour
                    password: pg-pass
                """));
    JsonNode deploy = kind(docs, "Deployment");
    JsonNode c = deploy.at("/spec/template/spec/containers/0");
    assertThat(deploy.at("/spec/replicas").asInt()).isEqualTo(2);
    // On the host's network an old pod makes way first: a surge pod would want its port.
    assertThat(deploy.at("/spec/strategy/type").asText()).isEqualTo("RollingUpdate");
    assertThat(deploy.at("/spec/strategy/rollingUpdate/maxSurge").asInt()).isZero();
    assertThat(deploy.at("/spec/strategy/rollingUpdate/maxUnavailable").asInt()).isEqualTo(1);
    // Cluster nodes on the host's network: one per Kubernetes node.
    JsonNode spread =
        deploy.at(
            "/spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/0");
    assertThat(spread.get("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
    assertThat(spread.at("/labelSelector/matchLabels/app.kubernetes.io~1name").asText())
        .isEqualTo("detour");
    assertThat(c.get("image").asText()).isEqualTo("ghcr.io/detour-dev/detour:0.1.0");
    assertThat(env(c, "QUARKUS_DATASOURCE_JDBC_URL").get("value").asText())
        .isEqualTo("jdbc:postgresql://pg:5432/detour");
    assertThat(env(c, "QUARKUS_DATASOURCE_PASSWORD").at("/valueFrom/secretKeyRef/key").asText())
        .isEqualTo("db-password");
    assertThat(kind(docs, "Secret").at("/stringData/db-password").asText()).isEqualTo("pg-pass");
    assertThat(kind(docs, "PersistentVolumeClaim").isMissingNode()).isTrue();
  }

  @Test
  void theValuesSchemaRefusesWhatCannotWork() {
    assertThatThrownBy(() -> render(values("replicaCount: two\n")))
        .hasMessageContaining("replicaCount");
    assertThatThrownBy(() -> render(values("routers:\n  home:\n    type: cisco\n    gateway: x\n")))
        .hasMessageContaining("type");
    assertThatThrownBy(() -> render(values("alerts:\n  channels:\n    tg:\n      url: x\n")))
        .hasMessageContaining("type");
    assertThatThrownBy(() -> render(values("config:\n  probe.interval: 30s\n")))
        .hasMessageContaining("config");
    assertThatThrownBy(() -> render(values("databse:\n  embedded: false\n")))
        .hasMessageContaining("databse");
  }
}
