package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.control.ControlConfig;
import dev.detour.probe.ProbeConfig;
import dev.detour.route.linux.LinuxSettings;
import dev.detour.route.plan.Fence;
import dev.detour.route.plan.Plan;
import dev.detour.route.plan.PlanInput;
import dev.detour.route.plan.RoutePlanner;
import inet.ipaddr.IPAddress;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The guard rails as the planner applies them, IPv6 beside IPv4: what no route may cover, why, and
 * what {@code detour.routes.allow-reserved} lets a lab route after all. The configuration is read
 * as SmallRye reads it at run time.
 */
class GuardRailsTest {

  static final RouterSettings ROUTER = LinuxSettings.of("gre1");

  /** Guard rails with {@code detour.routes.*} set as name, value pairs. */
  static GuardRails guard(String... kv) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      props.put("detour.routes." + kv[i], kv[i + 1]);
    }
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(RoutesConfig.class)
            .withMapping(ControlConfig.class)
            .withMapping(ProbeConfig.class)
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new PropertiesConfigSource(props, "test", 500))
            .build();
    return new GuardRails(
        config.getConfigMapping(RoutesConfig.class),
        config.getConfigMapping(ControlConfig.class),
        config.getConfigMapping(ProbeConfig.class));
  }

  static Plan plan(GuardRails guard, String... wanted) {
    return RoutePlanner.plan(
        new PlanInput(List.of(wanted), guard.fences(ROUTER, List.of()), 8, 19, 5000));
  }

  /** The reason each wanted prefix was fenced for. */
  static Map<String, String> reasons(Plan plan) {
    Map<String, String> reasons = new HashMap<>();
    plan.fenced().forEach(f -> reasons.put(f.prefix(), f.reason()));
    return reasons;
  }

  @Test
  void ipv6BogonsAreNeverRoutedAndEachSaysWhy() {
    Plan plan =
        plan(
            guard(),
            "fd12:3456::/32",
            "fe80::/64",
            "2001:db8:1::/48",
            "3fff:1::/32",
            "ff02::1",
            "::1",
            "::",
            "::ffff:149.154.167.99",
            "fec0::/16",
            "2a00:1450:4001::/48");

    assertThat(plan.routes()).containsExactly("2a00:1450:4001::/48");
    assertThat(reasons(plan))
        .containsEntry("fd12:3456::/32", "bogon: unique local")
        .containsEntry("fe80::/64", "bogon: link-local")
        .containsEntry("2001:db8:1::/48", "bogon: documentation")
        .containsEntry("3fff:1::/32", "bogon: documentation")
        .containsEntry("ff02::1/128", "multicast")
        .containsEntry("::1/128", "bogon: loopback")
        .containsEntry("::/128", "bogon: unspecified")
        .containsEntry("::ffff:959a:a763/128", "bogon: IPv4-mapped")
        .containsEntry("fec0::/16", "bogon: site-local (deprecated)");
  }

  @Test
  void allowReservedLetsALabRouteItsDocumentationRangesOfEitherFamily() {
    GuardRails lab = guard("allow-reserved", "198.18.0.0/15,2001:db8::/32");

    Plan plan =
        plan(lab, "198.18.0.40", "2001:db8:1::/48", "2001:db8:2::5", "fd00::/48", "192.0.2.1");

    assertThat(plan.routes())
        .containsExactly("198.18.0.40/32", "2001:db8:1::/48", "2001:db8:2::5/128");
    assertThat(reasons(plan))
        .containsOnlyKeys("fd00::/48", "192.0.2.1/32")
        .containsEntry("fd00::/48", "bogon: unique local");
    assertThat(lab.bogons())
        .extracting(Fence::prefix)
        .doesNotContain("2001:db8::/32", "198.18.0.0/15")
        .contains("3fff::/20", "fc00::/7", "192.0.2.0/24");
  }

  @Test
  void allowingPartOfAReservedRangeKeepsTheRestFenced() {
    Plan plan = plan(guard("allow-reserved", "2001:db8:1::/48"), "2001:db8::/47");

    assertThat(plan.routes()).containsExactly("2001:db8:1::/48");
    assertThat(reasons(plan)).containsEntry("2001:db8::/48", "bogon: documentation");
  }

  @Test
  void anIpv6TunnelEndpointIsCutOutOfAWantedPrefix() {
    Plan plan = plan(guard("tunnel-endpoints", "2a01:4f8:c0c:1::7"), "2a01:4f8:c0c::/48");

    assertThat(plan.routes()).isNotEmpty().doesNotContain("2a01:4f8:c0c::/48");
    IPAddress endpoint = Prefixes.parse("2a01:4f8:c0c:1::7");
    assertThat(plan.routes())
        .noneMatch(r -> Prefixes.parse(r).contains(endpoint))
        .allMatch(r -> Prefixes.parse("2a01:4f8:c0c::/48").contains(Prefixes.parse(r)));
    assertThat(plan.fenced())
        .extracting(Fence::reason)
        .contains("tunnel endpoint 2a01:4f8:c0c:1::7");
  }
}
