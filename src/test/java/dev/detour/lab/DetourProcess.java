package dev.detour.lab;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service run as a user runs it ({@code java -jar quarkus-run.jar}), on its embedded
 * database, in the root namespace or inside a lab host ({@code ip netns exec}), and its HTTP API
 * called from where it listens. Integration tests only: it needs {@code detour.app.jar}.
 */
public final class DetourProcess implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

  /** The admin password the packaged service is started with; every call logs in with it. */
  public static final String ADMIN_PASSWORD = "lab-admin-password";

  /**
   * Several of these share a small CI machine with the lab: a small heap, the quick compiler and
   * one GC thread leave the CPU to the probes.
   */
  private static final List<String> CI_JVM =
      List.of("-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

  private final String namespace;
  private final Path dataDir;
  private final int port;
  private final List<String> jvm;
  private String jarProperty = "detour.app.jar";
  private String adminPassword = ADMIN_PASSWORD;
  private String hostName;
  private Process process;

  private DetourProcess(String namespace, Path dataDir, int port, List<String> jvm) {
    this.namespace = namespace;
    this.dataDir = dataDir;
    this.port = port;
    this.jvm = jvm;
  }

  /**
   * Starts the service built for PostgreSQL ({@code detour.app.pg.jar}) in this namespace: a node
   * of a cluster, given the database in {@code properties}.
   */
  public static DetourProcess startOnPostgres(
      Path dataDir, int port, Map<String, String> properties) throws Exception {
    DetourProcess detour = new DetourProcess(null, dataDir, port, CI_JVM);
    detour.jarProperty = "detour.app.pg.jar";
    detour.start(properties);
    return detour;
  }

  /**
   * Starts Detour and waits until it is ready.
   *
   * @param namespace a lab host's namespace, or null for this one
   * @param properties {@code -D} system properties (configuration) besides the data directory and
   *     port; a {@code detour.admin-password} there replaces {@link #ADMIN_PASSWORD}, for {@link
   *     #call} too
   */
  public static DetourProcess start(
      String namespace, Path dataDir, int port, Map<String, String> properties) throws Exception {
    DetourProcess detour = new DetourProcess(namespace, dataDir, port, CI_JVM);
    detour.start(properties);
    return detour;
  }

  /**
   * Starts Detour with the JVM's own defaults, as a user's {@code java -jar} does, plus {@code
   * jvmOptions} (benchmarks: a flight recording, a capped heap; NAME=value entries are set in its
   * environment).
   */
  public static DetourProcess startAsUser(
      String namespace,
      Path dataDir,
      int port,
      Map<String, String> properties,
      List<String> jvmOptions)
      throws Exception {
    DetourProcess detour = new DetourProcess(namespace, dataDir, port, jvmOptions);
    detour.start(properties);
    return detour;
  }

  /**
   * Starts Detour on a machine of its own name ({@code unshare --uts}), a name that resolves
   * nowhere unless the test makes it.
   */
  public static DetourProcess startNamed(
      String namespace, String hostName, Path dataDir, int port, Map<String, String> properties)
      throws Exception {
    DetourProcess detour = new DetourProcess(namespace, dataDir, port, CI_JVM);
    detour.hostName = hostName;
    detour.start(properties);
    return detour;
  }

  /** The service's process id (ip netns exec runs java in its own place). */
  public long pid() {
    return process.pid();
  }

  /** A free port of this namespace (lab namespaces have every port free). */
  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public void start(Map<String, String> properties) throws Exception {
    String jar = System.getProperty(jarProperty);
    assertThat(jar).as(jarProperty + " names the packaged service").isNotNull();
    assertThat(Path.of(jar)).as("the packaged service (mvn verify builds it)").exists();
    Files.createDirectories(dataDir);
    List<String> command = new ArrayList<>();
    if (namespace != null) {
      command.addAll(List.of("ip", "netns", "exec", namespace));
    }
    if (hostName != null) {
      // The shell names its new UTS namespace, then becomes java (the same process id).
      command.addAll(
          List.of(
              "unshare", "--uts", "--", "sh", "-c", "hostname \"$0\" && exec \"$@\"", hostName));
    }
    // Entries of the JVM options that read NAME=value (MALLOC_ARENA_MAX=2) go to the environment.
    List<String> environment = jvm.stream().filter(o -> o.matches("[A-Z_]+=.*")).toList();
    if (!environment.isEmpty()) {
      command.add("env");
      command.addAll(environment);
    }
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    jvm.stream().filter(o -> !environment.contains(o)).forEach(command::add);
    command.add("-Ddetour.data-dir=" + dataDir.resolve("data"));
    command.add("-Dquarkus.http.port=" + port);
    adminPassword = properties.getOrDefault("detour.admin-password", ADMIN_PASSWORD);
    if (!properties.containsKey("detour.admin-password")) {
      command.add("-Ddetour.admin-password=" + ADMIN_PASSWORD);
    }
    if (!properties.containsKey("detour.verdict.allowlist.canaries")) {
      // The default canaries are real sites: a test asks only the lab's, when it looks for
      // allowlist mode at all.
      command.add("-Ddetour.verdict.allowlist.canaries=none");
    }
    properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
    command.addAll(List.of("-jar", jar));
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
            .start();
    try {
      awaitReady();
    } catch (Exception | AssertionError e) {
      // The caller gets no handle to stop it with: a service that did not come up is stopped
      // here, not left running after the test.
      stop();
      throw e;
    }
  }

  private void awaitReady() throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      assertThat(process.isAlive()).as("Detour exited at start; its log:\n%s", logText()).isTrue();
      try {
        if (call("GET", "/q/health/ready", null).status() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(250);
    }
    throw new AssertionError("Detour did not become ready in 120 s:\n" + logText());
  }

  public Path log() {
    return dataDir.resolve("detour.log");
  }

  public String logText() throws IOException {
    return Files.exists(log()) ? Files.readString(log()) : "(no log)";
  }

  public Path dataDir() {
    return dataDir;
  }

  public String base() {
    return "http://127.0.0.1:" + port;
  }

  /** An HTTP answer: status and body. */
  public record Answer(int status, String body) {
    public JsonNode json() throws IOException {
      return JSON.readTree(body);
    }
  }

  /** Calls the API from the namespace Detour listens in. */
  public Answer call(String method, String path, String json) throws Exception {
    if (namespace == null) {
      return send(method, path, json);
    }
    return NetNs.call(namespace, () -> send(method, path, json));
  }

  /** A GET that must answer 200, as JSON. */
  public JsonNode get(String path) throws Exception {
    Answer a = call("GET", path, null);
    assertThat(a.status()).as("GET %s: %s", path, a.body()).isEqualTo(200);
    return a.json();
  }

  /** A POST of JSON that must answer 2xx, as JSON. */
  public JsonNode post(String path, String json) throws Exception {
    Answer a = call("POST", path, json);
    assertThat(a.status()).as("POST %s: %s", path, a.body()).isBetween(200, 299);
    return a.json();
  }

  private Answer send(String method, String path, String json) throws IOException {
    HttpURLConnection c = (HttpURLConnection) URI.create(base() + path).toURL().openConnection();
    c.setRequestMethod(method);
    c.setConnectTimeout(5000);
    c.setReadTimeout(60000);
    // No keep-alive: a pooled connection could belong to another namespace's listener.
    c.setRequestProperty("Connection", "close");
    c.setRequestProperty("Authorization", basicAuth(adminPassword));
    if (json != null) {
      c.setDoOutput(true);
      c.setRequestProperty("Content-Type", "application/json");
      try (OutputStream out = c.getOutputStream()) {
        out.write(json.getBytes(StandardCharsets.UTF_8));
      }
    }
    int status = c.getResponseCode();
    try (InputStream in = status >= 400 ? c.getErrorStream() : c.getInputStream()) {
      String body = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new Answer(status, body);
    } finally {
      c.disconnect();
    }
  }

  /**
   * Settings of a Detour on the lab's home that must see blocks quickly: rounds every {@code
   * interval} seconds, two rounds to block or clear, the tunnel (vx0) as the control vantage.
   */
  public static Map<String, String> quickHome(int interval) {
    Map<String, String> c = new java.util.TreeMap<>();
    c.put("detour.probe.interval", interval + "s");
    c.put("detour.probe.timeout", "2s");
    c.put("detour.probe.syn-wait", "1s");
    c.put("detour.verdict.block-after", "2");
    c.put("detour.verdict.clear-after", "2");
    c.put("detour.control.mode", "interface");
    c.put("detour.control.interface", "vx0");
    c.put("detour.control.dns-resolvers", Lab.DNS);
    return c;
  }

  /** The {@code Authorization} header of the admin account. */
  public static String basicAuth() {
    return basicAuth(ADMIN_PASSWORD);
  }

  private static String basicAuth(String password) {
    return "Basic "
        + java.util.Base64.getEncoder()
            .encodeToString(("admin:" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Stops it gently (SIGTERM: Detour removes its nftables guard as it goes). */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    process = null;
  }

  /** Kills it as a power cut would. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    process = null;
  }

  @Override
  public void close() throws InterruptedException {
    stop();
  }
}
