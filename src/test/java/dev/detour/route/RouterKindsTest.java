package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.route.linux.LinuxKind;
import dev.detour.route.mikrotik.MikrotikApiKind;
import dev.detour.route.mikrotik.MikrotikRestKind;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Routers are checked at start against the kinds there are, naming the key to fix. */
class RouterKindsTest {

  static final RouterKinds KINDS =
      new RouterKinds(List.of(new MikrotikRestKind(), new MikrotikApiKind(), new LinuxKind()));

  /** The configuration of {@code detour.routers.<kv[0]>}, … as SmallRye reads it at run time. */
  static SmallRyeConfig config(String... kv) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      props.put("detour.routers." + kv[i], kv[i + 1]);
    }
    return new SmallRyeConfigBuilder()
        .withMapping(RoutersConfig.class)
        .withConverter(Duration.class, 200, new DurationConverter())
        .withSources(new PropertiesConfigSource(props, "test", 500))
        .build();
  }

  static Map<String, RouterSettings> routers(String... kv) {
    return KINDS.configured(config(kv).getConfigMapping(RoutersConfig.class));
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
        .hasMessage("detour.routers.r.gateway: an interface name, e.g. gre1 or wg0");
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
