package dev.detour.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A censorship lab for a test: real hosts in network namespaces, built by the scripts in {@code
 * src/test/lab} (see docs/lab.md). Each instance has a name of its own, so two test runs can
 * coexist; {@link #close()} removes it, a shutdown hook does if the test forgets, and the next
 * {@code up} removes labs whose test process was killed.
 *
 * <p>It needs root. There is no quiet skip: without root or the lab's tools a test using it fails
 * and says what is missing.
 */
public final class Lab implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

  public static final String HOME_IP = "198.51.100.2";
  public static final String ISP_RESOLVER = "198.51.100.6";
  public static final String TUNNEL_HOME = "192.0.2.2";
  public static final String TUNNEL_VPS = "192.0.2.1";
  public static final String WEB1 = "203.0.113.10";
  public static final String WEB2 = "203.0.113.11";
  public static final String WEB3 = "203.0.113.12";
  public static final String WEB4 = "203.0.113.13";
  public static final String WEB5 = "203.0.113.14";
  public static final String DNS = "203.0.113.53";
  public static final String BLOCK_PAGE = "203.0.113.250";
  public static final String MASS_PREFIX = "198.18.0.0/16";
  public static final String ZONE = "lab.test";

  // IPv6 (docs/lab.md): a /64 per link, inet's services at 2001:db8:113::x for 203.0.113.x.
  public static final String HOME_IP6 = "2001:db8:0:1::2";
  public static final String ACCESS_HOME6 = "2001:db8:0:1::1";
  public static final String ISP_RESOLVER6 = "2001:db8:0:2::6";
  public static final String TUNNEL_HOME6 = "2001:db8:0:6::2";
  public static final String TUNNEL_VPS6 = "2001:db8:0:6::1";
  public static final String WEB1_6 = "2001:db8:113::10";
  public static final String WEB2_6 = "2001:db8:113::11";
  public static final String WEB3_6 = "2001:db8:113::12";
  public static final String WEB4_6 = "2001:db8:113::13";
  public static final String WEB5_6 = "2001:db8:113::14";
  public static final String PARKING6 = "2001:db8:113::15";
  public static final String DNS6 = "2001:db8:113::53";
  public static final String BLOCK_PAGE6 = "2001:db8:113::250";

  /** inet answers for all of it; 198.18.0.n is 2001:db8:1800::n. */
  public static final String MASS_PREFIX6 = "2001:db8:1800::/40";

  /**
   * Names with an AAAA record only ({@code www.v6.lab.test}); those of {@link #ZONE} have A only.
   */
  public static final String ZONE6 = "v6.lab.test";

  /** Names with both records, dual stack ({@code blocked.ds.lab.test}). */
  public static final String ZONE_DS = "ds.lab.test";

  private static final Path SCRIPTS = Path.of("src/test/lab").toAbsolutePath();
  private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(120);

  private final String name;
  private final Thread cleanup;
  private boolean closed;

  private Lab(String name) {
    this.name = name;
    this.cleanup = new Thread(this::downQuietly, "lab-" + name + "-cleanup");
  }

  /** Builds a new lab with a unique name. */
  public static Lab up() {
    Lab lab = perClass();
    lab.start();
    return lab;
  }

  /**
   * A lab for a test class, built before its first test and removed after its last:
   * {@code @RegisterExtension static final Lab lab = Lab.perClass();}
   */
  public static Lab perClass() {
    return new Lab(
        "dl" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000)));
  }

  private void start() {
    String user = System.getProperty("user.name");
    if (!"root".equals(user)) {
      throw new IllegalStateException(
          "the censorship lab needs root (network namespaces, nftables); run the tests as root:"
              + " sudo mvn verify");
    }
    Runtime.getRuntime().addShutdownHook(cleanup);
    try {
      script("up");
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public String name() {
    return name;
  }

  /** The namespace of a host of this lab ({@code home}, {@code isp}, {@code inet}, …). */
  public String namespace(String host) {
    return name + "-" + host;
  }

  /** Switches a scenario on: {@code block("rst-seed", Lab.WEB2, "80")}. */
  public void block(String... scenario) {
    script("block", scenario);
  }

  public void unblock(String... scenario) {
    script("unblock", scenario);
  }

  /** Runs a command on a host of the lab and returns what it did, whatever its exit code. */
  public Result run(String host, Duration timeout, String... command) {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    line.addAll(List.of(command));
    return exec(line, timeout, Map.of());
  }

  /**
   * Detour's routes (protocol 211) of both families in a routing table of a host: destination, with
   * {@code /32} or {@code /128} for a host route, → the line {@code ip} prints.
   */
  public Map<String, String> detourRoutes(String host, String table) {
    Map<String, String> all = new java.util.TreeMap<>();
    for (String family : List.of("-4", "-6")) {
      String out =
          run(
                  host,
                  Duration.ofSeconds(5),
                  "ip",
                  family,
                  "route",
                  "show",
                  "table",
                  table,
                  "proto",
                  "211")
              .output();
      for (String line : out.split("\n")) {
        // An empty table prints "Dump terminated", one not made yet an error: a route starts
        // with its destination.
        if (line.matches("[0-9a-f:.]+(/\\d+)?\\s.*")) {
          String dst = line.strip().split("\\s+")[0];
          all.put(
              dst.contains("/") ? dst : dst + (family.equals("-6") ? "/128" : "/32"), line.strip());
        }
      }
    }
    return all;
  }

  /** Starts a command on a host in the background (a capture); stop it with {@link Process}. */
  public Process start(String host, Path output, String... command) throws IOException {
    List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    line.addAll(List.of(command));
    return new ProcessBuilder(line)
        .redirectErrorStream(true)
        .redirectOutput(output.toFile())
        .start();
  }

  private void script(String script, String... args) {
    script(name, ProcessHandle.current().pid(), script, args);
  }

  /** Runs a lab script for the lab {@code name}, owned by the process {@code owner}. */
  static void script(String name, long owner, String script, String... args) {
    List<String> line = new ArrayList<>(List.of(SCRIPTS.resolve(script).toString()));
    line.addAll(List.of(args));
    Result result =
        exec(
            line,
            SCRIPT_TIMEOUT,
            Map.of(
                "DETOUR_LAB", name,
                "DETOUR_LAB_OWNER", String.valueOf(owner),
                "DETOUR_LAB_CP", System.getProperty("java.class.path")));
    if (result.exit() != 0) {
      throw new IllegalStateException(
          "lab " + script + " " + String.join(" ", args) + " failed:\n" + result.output());
    }
  }

  private static Result exec(List<String> command, Duration timeout, Map<String, String> env) {
    try {
      Path out = Files.createTempFile("lab-", ".out");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.descendants().forEach(ProcessHandle::destroyForcibly);
          process.destroyForcibly();
          process.waitFor(5, TimeUnit.SECONDS);
          return new Result(-1, Files.readString(out, StandardCharsets.UTF_8) + "\n(timed out)");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot run " + command, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted running " + command, e);
    }
  }

  private void downQuietly() {
    exec(List.of(SCRIPTS.resolve("down").toString()), SCRIPT_TIMEOUT, Map.of("DETOUR_LAB", name));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    downQuietly();
    try {
      Runtime.getRuntime().removeShutdownHook(cleanup);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running or has run: the lab is going either way.
    }
  }

  /** What a command did: its exit code and its output (stdout and stderr together). */
  public record Result(int exit, String output) {}
}
