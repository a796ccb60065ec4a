package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The MikroTik script the tunnel helper writes, per RouterOS version. */
class TunnelHelperTest {

  /** The policies RouterOS 6 knows (its /user group policy list). */
  static final Set<String> ROUTEROS_6_POLICIES =
      Set.of(
          "local",
          "telnet",
          "ssh",
          "ftp",
          "reboot",
          "read",
          "write",
          "policy",
          "test",
          "winbox",
          "password",
          "web",
          "sniff",
          "sensitive",
          "api",
          "romon",
          "dude",
          "tikapp");

  static TunnelHelper.Output generate(int routerOs) {
    return TunnelHelper.generate(
        new TunnelHelper.Input(
            "203.0.113.7", "198.51.100.9", null, null, null, null, routerOs, null, null));
  }

  @Test
  void theRouterOs6UserGroupNamesOnlyPoliciesRouterOs6Has() {
    String group = groupLine(generate(6).mikrotik());
    assertThat(group).doesNotContain("rest-api");
    String policies = group.replaceAll(".*policy=(\\S+).*", "$1");
    assertThat(Arrays.stream(policies.split(",")).map(p -> p.replaceFirst("^!", "")))
        .allMatch(ROUTEROS_6_POLICIES::contains);
    assertThat(policies.split(",")).contains("read", "write", "api");
  }

  @Test
  void theRouterOs7UserGroupMayUseRest() {
    assertThat(groupLine(generate(7).mikrotik())).contains("policy=read,write,api,rest-api,");
  }

  private static String groupLine(String script) {
    return script.lines().filter(l -> l.startsWith("/user group add")).findFirst().orElseThrow();
  }
}
