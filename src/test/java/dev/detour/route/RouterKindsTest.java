package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.route.linux.LinuxKind;
import dev.detour.route.mikrotik.MikrotikApiKind;
import dev.detour.route.mikrotik.MikrotikRestKind;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.SysPropConfigSource;
import io.smallrye.config.WithName;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.junit.jupiter.api.Test;

/** Routers are checked at start against the kinds there are, naming the key to fix. */
class RouterKindsTest {

  static final RouterKinds KINDS =
      new RouterKinds(List.of(new MikrotikRestKind(), new MikrotikApiKind(), new LinuxKind()));

  /**
   * The routers of {@code detour.routers.<kv[0]>=kv[1]}, … and these environment variables, read as
   * at run time: SmallRye's own sources and interceptors, the raw names it lists.
   */
  static Map<String, RouterSettings> routers(Map<String, String> env, String... kv) {
    return routers(new EnvConfigSource(env, 300), kv);
  }

  static Map<String, RouterSettings> routers(ConfigSource more, String... kv) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      props.put("detour.routers." + kv[i], kv[i + 1]);
    }
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .addDefaultInterceptors()
            .withMapping(RoutersConfig.class)
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new PropertiesConfigSource(props, "test", 250))
            .withSources(more)
            .build();
    return KINDS.configured(
        config.getConfigMapping(RoutersConfig.class), config.getPropertyNames());
  }

  static Map<String, RouterSettings> routers(String... kv) {
    return routers(Map.of(), kv);
  }

  @Test
  void eachKindHasItsOwnTableAndPace() {
    Map<String, RouterSettings> all =
        routers(
            "home.type", "linux",
            "home.gateway", "192.0.2.1%vx0",
            "rest.type", "mikrotik-rest",
            "rest.url", "https://192.168.88.1/",
            "rest.username", "detour",
            "rest.password", "s3cret",
            "rest.gateway", "gre-tunnel1",
            "api.type", "mikrotik-api",
            "api.host", "192.168.88.1",
            "api.tls", "true",
            "api.username", "detour",
            "api.password", "s3cret",
            "api.gateway", "gre-tunnel1");
    RouterSettings home = all.get("home");
    assertThat(home.type()).isEqualTo("linux");
    assertThat(home.routingTable()).isEqualTo("1001");
    assertThat(home.kind().paced()).isFalse();
    assertThat(home.kind().tunnelDevice(home)).contains("vx0");
    RouterSettings rest = all.get("rest");
    assertThat(rest.routingTable()).isEqualTo("main");
    assertThat(rest.url()).isEqualTo("https://192.168.88.1");
    assertThat(rest.tls()).isTrue();
    assertThat(rest.kind().paced()).isTrue();
    assertThat(rest.kind().tunnelDevice(rest)).isEmpty();
    assertThat(all.get("api").port()).isEqualTo(8729);
    assertThat(all.get("api").toString())
        .isEqualTo("RouterSettings[api, mikrotik-api, 192.168.88.1]");
  }

  @Test
  void anUnknownTypeNamesTheTypesThereAre() {
    assertThatThrownBy(() -> routers("home.type", "x", "home.gateway", "gre1"))
        .hasMessage(
            "detour.routers.home.type: no router type 'x'; the types are linux, mikrotik-api,"
                + " mikrotik-rest");
  }

  @Test
  void whatAKindNeedsIsNamed() throws Exception {
    assertThatThrownBy(() -> routers("r.type", "mikrotik-rest", "r.gateway", "gre-tunnel1"))
        .hasMessage("detour.routers.r.url: the router's REST base, e.g. https://192.168.88.1");
    assertThatThrownBy(() -> routers("r.type", "mikrotik-api", "r.gateway", "gre-tunnel1"))
        .hasMessage("detour.routers.r.host: the router's address, e.g. 192.168.88.1");
    assertThatThrownBy(
            () ->
                routers(
                    "r.type", "mikrotik-api",
                    "r.host", "192.168.88.1",
                    "r.username", "detour",
                    "r.gateway", "gre-tunnel1"))
        .hasMessage(
            "detour.routers.r.username and password (or password-file): a mikrotik-api router"
                + " needs a login");
    assertThatThrownBy(
            () -> routers("r.type", "linux", "r.gateway", "gre1", "r.mode", "address-list"))
        .hasMessage("detour.routers.r.mode: a Linux router takes plain routes");
    assertThatThrownBy(() -> routers("r.type", "linux", "r.gateway", "not a device"))
        .hasMessageStartingWith(
            "detour.routers.r.gateway: 'not a device' is neither an interface name nor an address;");
    Path password = Files.createTempFile("router-password", "");
    Files.writeString(password, "from-a-file\n");
    assertThat(
            routers(
                    "r.type", "mikrotik-api",
                    "r.host", "192.168.88.1",
                    "r.username", "detour",
                    "r.password-file", password.toString(),
                    "r.gateway", "gre-tunnel1")
                .get("r")
                .password())
        .isEqualTo("from-a-file");
  }

  static final String LINUX_KEYS =
      "it takes distance, gateway, linux-protocol, linux-rule, max-routes, mode, routing-table,"
          + " timeout, type";

  @Test
  void aKeyTheTypeDoesNotTakeIsNamedWithTheKeysItTakes() {
    assertThatThrownBy(
            () -> routers("home.type", "linux", "home.gateway", "gre1", "home.ca-file", "/ca.pem"))
        .hasMessage(
            "detour.routers.home.ca-file: a linux router does not take this key; " + LINUX_KEYS);
    assertThatThrownBy(
            () ->
                routers(
                    "home.type", "linux",
                    "home.gateway", "gre1",
                    "home.url", "https://192.168.88.1",
                    "home.changes-per-second", "10"))
        .hasMessage(
            "detour.routers.home.changes-per-second, detour.routers.home.url: a linux router does"
                + " not take these keys; "
                + LINUX_KEYS);
    assertThatThrownBy(
            () ->
                routers(
                    "r.type", "mikrotik-rest",
                    "r.url", "https://192.168.88.1",
                    "r.username", "detour",
                    "r.password", "s3cret",
                    "r.gateway", "gre-tunnel1",
                    "r.linux-rule", "none"))
        .hasMessage(
            "detour.routers.r.linux-rule: a mikrotik-rest router does not take this key; it takes"
                + " address-list, ca-file, certificate-sha256, changes-per-second, comment-prefix,"
                + " distance, gateway, max-routes, mode, password, password-file, routing-table,"
                + " timeout, type, url, username");
    assertThatThrownBy(
            () ->
                routers(
                    "r.type", "mikrotik-api",
                    "r.host", "192.168.88.1",
                    "r.url", "https://192.168.88.1",
                    "r.username", "detour",
                    "r.password", "s3cret",
                    "r.gateway", "gre-tunnel1"))
        .hasMessageStartingWith(
            "detour.routers.r.url: a mikrotik-api router does not take this key; it takes"
                + " address-list, ca-file, certificate-sha256, changes-per-second, comment-prefix,"
                + " distance, gateway, host, max-routes, mode, password, password-file, port,"
                + " routing-table, timeout, tls, type, username");
    // A key no kind takes (a typo) SmallRye refuses itself, as it does at run time.
    assertThatThrownBy(() -> routers("home.type", "linux", "home.gateway", "gre1", "home.tsl", "x"))
        .hasMessageContaining("detour.routers.home.tsl");
  }

  @Test
  void keysSetInTheEnvironmentAreNamedAsKeys() {
    assertThatThrownBy(
            () ->
                routers(
                    Map.of("DETOUR_ROUTERS_HOME_CA_FILE", "/ca.pem"),
                    "home.type",
                    "linux",
                    "home.gateway",
                    "gre1"))
        .hasMessage(
            "detour.routers.home.ca-file: a linux router does not take this key; " + LINUX_KEYS);
    // "home-lab" is not "home" with a key "lab-…"; nor is "home" "home-lab".
    Map<String, String> env =
        Map.of(
            "DETOUR_ROUTERS_HOME_LAB_TYPE", "mikrotik-rest",
            "DETOUR_ROUTERS_HOME_LAB_LINUX_RULE", "none",
            "DETOUR_ROUTERS_HOME_LINUX_RULE", "none");
    assertThatThrownBy(
            () ->
                routers(
                    env,
                    "home.type",
                    "linux",
                    "home.gateway",
                    "gre1",
                    "home-lab.url",
                    "https://192.168.88.1",
                    "home-lab.username",
                    "detour",
                    "home-lab.password",
                    "s3cret",
                    "home-lab.gateway",
                    "gre-tunnel1"))
        .hasMessageStartingWith(
            "detour.routers.home-lab.linux-rule: a mikrotik-rest router does not take this key");
    assertThatThrownBy(
            () ->
                routers(
                    Map.of("DETOUR_ROUTERS_HOME_PASSWRD", "s3cret"),
                    "home.type",
                    "linux",
                    "home.gateway",
                    "gre1"))
        .as("a variable that names no key is named as it was set")
        .hasMessageStartingWith(
            "DETOUR_ROUTERS_HOME_PASSWRD: a linux router does not take this key");
    assertThat(
            routers(
                    Map.of(
                        "DETOUR_ROUTERS_HOME_LINUX_RULE",
                        "none",
                        "DETOUR_ROUTERS_HOME_TYPE",
                        "linux"),
                    "home.gateway",
                    "gre1")
                .get("home")
                .linuxRule())
        .isEqualTo("none");
  }

  @Test
  void keysSetWithDashDAreChecked() {
    // Only this test's router among the system properties: a Quarkus test of the same JVM may
    // have left its own.
    Map<String, String> others = new HashMap<>();
    for (String n : System.getProperties().stringPropertyNames()) {
      if (n.startsWith("detour.routers.")) {
        others.put(n, System.clearProperty(n));
      }
    }
    System.setProperty("detour.routers.sys.ca-file", "/ca.pem");
    try {
      assertThatThrownBy(
              () -> routers(new SysPropConfigSource(), "sys.type", "linux", "sys.gateway", "gre1"))
          .hasMessageStartingWith(
              "detour.routers.sys.ca-file: a linux router does not take this key");
    } finally {
      System.clearProperty("detour.routers.sys.ca-file");
      others.forEach(System::setProperty);
    }
  }

  @Test
  void everyKeyOfTheMappingIsSomeKindsAndEveryKindsKeyIsInTheMapping() {
    Set<String> mapping = new TreeSet<>();
    for (Method m : RoutersConfig.Router.class.getDeclaredMethods()) {
      WithName name = m.getAnnotation(WithName.class);
      mapping.add(
          name != null
              ? name.value()
              : m.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
    }
    Set<String> taken = new TreeSet<>(RouterKind.COMMON_KEYS);
    List.of(new MikrotikRestKind(), new MikrotikApiKind(), new LinuxKind())
        .forEach(k -> taken.addAll(k.keys()));
    assertThat(taken).isEqualTo(mapping);
  }

  @Test
  void routeKnowsNoKindOfRouter() throws Exception {
    // A new kind is one package and one bean: route itself never names one.
    try (Stream<Path> files = Files.list(Path.of("src/main/java/dev/detour/route"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        assertThat(Files.readString(f))
            .as("%s", f)
            .doesNotContain("dev.detour.route.linux", "dev.detour.route.mikrotik");
      }
    }
  }
}
