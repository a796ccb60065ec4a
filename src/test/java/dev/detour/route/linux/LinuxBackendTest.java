package dev.detour.route.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.lab.NetNs;
import dev.detour.route.Reconciler;
import dev.detour.route.RouterException;
import dev.detour.route.RouterRoute;
import dev.detour.route.RouterSettings;
import dev.detour.route.plan.Fence;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Linux backend against a real kernel, in a namespace of its own: a tunnel-like veth, Detour's
 * table with its rule for each family, a user's route and a kernel route beside Detour's, IPv4 and
 * IPv6. Needs root; only documentation and benchmarking ranges are used.
 */
class LinuxBackendTest {

  String ns;

  @BeforeEach
  void namespace() throws Exception {
    ns = "dlb" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    sh("ip", "netns", "add", ns);
    ip("link set lo up");
    ip("link add tun0 type veth peer name tun1");
    ip("addr add 192.0.2.2/30 dev tun0");
    ip("link set tun0 up");
    ip("link set tun1 up");
    // The user's own route in Detour's table, to a prefix Detour also wants.
    ip("route add 198.18.7.0/24 dev tun0 table 1001");
  }

  @AfterEach
  void remove() throws Exception {
    new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
  }

  static RouterSettings settings(String gateway) {
    return settings(gateway, 211);
  }

  static RouterSettings settings(String gateway, int protocol) {
    return settings(gateway, protocol, "not iif lo");
  }

  static RouterSettings settings(String gateway, int protocol, String rule) {
    return LinuxSettings.of(gateway, protocol, rule);
  }

  <T> T inNs(java.util.concurrent.Callable<T> task) throws Exception {
    return NetNs.call(ns, task);
  }

  @Test
  void syncsDetoursRoutesAndLeavesTheOthers() throws Exception {
    List<String> wanted = List.of("198.18.0.40/32", "198.18.7.0/24", "2001:db8:1::/48");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("192.0.2.1%tun0"));
          Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
          assertThat(diff.add()).containsExactly("198.18.0.40/32", "2001:db8:1::/48");
          assertThat(diff.foreign()).containsExactly("198.18.7.0/24");
          Reconciler.Outcome o = Reconciler.apply(b, diff, Map.of(), 0, change -> {});
          assertThat(o.error()).isNull();
          // IPv6 goes by the device (an IPv4 next hop cannot carry it).
          assertThat(o.added()).isEqualTo(2);
          assertThat(b.list())
              .filteredOn(RouterRoute::owned)
              .extracting(RouterRoute::prefix)
              .containsExactlyInAnyOrder("198.18.0.40/32", "2001:db8:1::/48");
          return null;
        });
    String table = ip("route show table 1001");
    assertThat(table)
        .contains("198.18.0.40 via 192.0.2.1 dev tun0 proto 211 metric 5")
        .contains("198.18.7.0/24 dev tun0");
    assertThat(ip("rule show")).contains("not from all iif lo lookup 1001");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("192.0.2.1%tun0"));
          Reconciler.Outcome o =
              Reconciler.apply(b, Reconciler.diff(List.of(), b.list()), Map.of(), 0, c -> {});
          assertThat(o.removed()).isEqualTo(2);
          return null;
        });
    assertThat(ip("route show table 1001")).doesNotContain("198.18.0.40").contains("198.18.7.0/24");
    assertThat(ip("-6 route show table 1001")).doesNotContain("2001");
    assertThat(ip("rule show").split("lookup 1001", -1)).as("the rule is added once").hasSize(2);
  }

  @Test
  void ipv6GoesViaItsOwnNextHopInTheSameTableAndRule() throws Exception {
    ip("addr add 2001:db8:ffff::2/64 dev tun0 nodad");
    // The user's own IPv6 route in Detour's table.
    ip("-6 route add 2001:db8:7::/48 dev tun0 table 1001");
    String gateway = "192.0.2.1%tun0,2001:db8:ffff::1%tun0";
    List<String> wanted =
        List.of("198.18.0.40/32", "2001:db8:1::/48", "2001:db8:2::5/128", "2001:db8:7::/48");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings(gateway));
          Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
          assertThat(diff.foreign()).containsExactly("2001:db8:7::/48");
          Reconciler.Outcome o = Reconciler.apply(b, diff, Map.of(), 0, change -> {});
          assertThat(o.error()).isNull();
          assertThat(o.added()).isEqualTo(3);
          assertThat(b.list())
              .filteredOn(RouterRoute::owned)
              .extracting(RouterRoute::prefix, RouterRoute::gateway)
              .containsExactlyInAnyOrder(
                  tuple("198.18.0.40/32", "192.0.2.1%tun0"),
                  tuple("2001:db8:1::/48", "2001:db8:ffff::1%tun0"),
                  tuple("2001:db8:2::5/128", "2001:db8:ffff::1%tun0"));
          assertThat(b.fences())
              .extracting(Fence::prefix)
              .contains("192.0.2.1/32", "2001:db8:ffff::1/128");
          return null;
        });
    assertThat(ip("-6 route show table 1001"))
        .contains("2001:db8:1::/48 via 2001:db8:ffff::1 dev tun0 proto 211 metric 5")
        .contains("2001:db8:2::5 via 2001:db8:ffff::1 dev tun0 proto 211 metric 5");
    assertThat(ip("-6 rule show").split("not from all iif lo lookup 1001", -1))
        .as("the IPv6 rule beside the IPv4 one, once")
        .hasSize(2);
    assertThat(ip("-4 rule show").split("not from all iif lo lookup 1001", -1)).hasSize(2);
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings(gateway));
          Reconciler.Outcome o =
              Reconciler.apply(b, Reconciler.diff(List.of(), b.list()), Map.of(), 0, c -> {});
          assertThat(o.removed()).isEqualTo(3);
          return null;
        });
    assertThat(ip("-6 route show table 1001"))
        .doesNotContain("2001:db8:1::")
        .doesNotContain("2001:db8:2::5")
        .contains("2001:db8:7::/48 dev tun0");
  }

  @Test
  void anIpv6NextHopLeavesIpv4ToTheDevice() throws Exception {
    ip("addr add 2001:db8:ffff::2/64 dev tun0 nodad");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("2001:db8:ffff::1%tun0"));
          b.add("198.18.0.42/32", "detour");
          b.add("2001:db8:3::/48", "detour");
          LinuxBackend nextHopOnly = new LinuxBackend(settings("192.0.2.1"));
          assertThatThrownBy(() -> nextHopOnly.add("2001:db8:4::/48", "detour"))
              .isInstanceOf(RouterException.class)
              .hasMessageContaining("no IPv6 next hop and no device");
          return null;
        });
    assertThat(ip("-4 route show table 1001")).contains("198.18.0.42 dev tun0 proto 211");
    assertThat(ip("-6 route show table 1001"))
        .contains("2001:db8:3::/48 via 2001:db8:ffff::1 dev tun0 proto 211");
  }

  @Test
  void refusalsSayWhatHappened() throws Exception {
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("tun0"));
          RouterRoute added = b.add("198.18.0.41/32", "detour");
          assertThatThrownBy(() -> b.add("198.18.0.41/32", "detour"))
              .isInstanceOf(RouterException.class)
              .extracting(e -> ((RouterException) e).kind())
              .isEqualTo(RouterException.Kind.REJECTED);
          b.remove(added);
          assertThatThrownBy(() -> b.remove(added))
              .extracting(e -> ((RouterException) e).kind())
              .isEqualTo(RouterException.Kind.NOT_FOUND);
          return null;
        });
  }

  @Test
  void knowsTheTunnelAndItsState() throws Exception {
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("192.0.2.1%tun0"));
          assertThat(b.gatewayUp()).isTrue();
          assertThat(b.fences()).extracting(Fence::prefix).contains("192.0.2.1/32");
          assertThat(b.describe()).contains("Linux", "table 1001", "tun0 (up)");
          assertThat(new LinuxBackend(settings("nope0")).gatewayUp()).isFalse();
          return null;
        });
    ip("link set tun0 down");
    assertThat(inNs(() -> new LinuxBackend(settings("tun0")).gatewayUp())).isFalse();
  }

  @Test
  void theRuleDeletedOrChangedByHandIsMendedByTheNextList() throws Exception {
    // A rule of the user's for another table, at Detour's priority: none of Detour's business.
    ip("rule add from 203.0.113.0/24 lookup 100 pref 20000");
    String ours = "20000:\tnot from all iif lo lookup 1001";
    LinuxBackend b = new LinuxBackend(settings("tun0"));
    inNs(b::list);
    assertThat(ip("rule show")).contains(ours);

    ip("rule del not iif lo lookup 1001 pref 20000");
    ip("-6 rule del not iif lo lookup 1001 pref 20000");
    inNs(b::list);
    assertThat(rulesFor1001("-4")).containsExactly(ours);
    assertThat(rulesFor1001("-6")).containsExactly(ours);

    // Another priority.
    ip("rule del not iif lo lookup 1001 pref 20000");
    ip("rule add not iif lo lookup 1001 pref 20001");
    inNs(b::list);
    assertThat(rulesFor1001("-4")).containsExactly(ours);

    // Another selector, beside the right rule and in its place.
    ip("rule add from 198.51.100.0/24 lookup 1001 pref 20000");
    ip("-6 rule del not iif lo lookup 1001 pref 20000");
    sh(
        "ip",
        "-n",
        ns,
        "-6",
        "rule",
        "add",
        "from",
        "2001:db8::/32",
        "lookup",
        "1001",
        "pref",
        "20000");
    inNs(b::list);
    assertThat(rulesFor1001("-4")).containsExactly(ours);
    assertThat(rulesFor1001("-6")).containsExactly(ours);

    // A selector without its "not", which the kernel takes for the same rule when adding: the
    // wrong one goes first.
    ip("rule del not iif lo lookup 1001 pref 20000");
    ip("rule add iif lo lookup 1001 pref 20000");
    inNs(b::list);
    assertThat(rulesFor1001("-4")).containsExactly(ours);

    // A wrong rule added after the right one, whose selector is part of the right one's.
    ip("rule add lookup 1001 pref 20000");
    inNs(b::list);
    assertThat(rulesFor1001("-4")).containsExactly(ours);

    assertThat(ip("rule show"))
        .as("the user's rule for another table stays")
        .contains("20000:\tfrom 203.0.113.0/24 lookup 100");
  }

  @Test
  void aSelectorIsComparedAsTheKernelKeepsIt() throws Exception {
    String selector = "fwmark 5/255 iif tun0 ipproto tcp sport 1000-2000 dport 443-443";
    LinuxBackend b = new LinuxBackend(settings("tun0", 211, selector));
    inNs(b::list);
    for (String family : List.of("-4", "-6")) {
      assertThat(rulesFor1001(family))
          .containsExactly(
              "20000:\tfrom all fwmark 0x5/0xff iif tun0 ipproto tcp sport 1000-2000 dport 443"
                  + " lookup 1001");
    }
    for (String family : List.of("-4", "-6")) {
      JsonNode printed = new ObjectMapper().readTree(ip(family + " -j rule show table 1001"));
      assertThat(RuleSelector.parse(selector).matches(printed.path(0)))
          .as("the rule as the kernel keeps it is the rule configured: left alone")
          .isTrue();
    }
    assertThat(
            RuleSelector.parse("not iif lo")
                .matches(
                    new ObjectMapper()
                        .readTree(
                            "{\"priority\":20000,\"src\":\"all\",\"iif\":\"lo\",\"table\":\"1001\"}")))
        .isFalse();
  }

  @Test
  void ownsItsRoutesByNumberWhateverRtProtosCallsThem() throws Exception {
    // A number of this test's own, so that nothing else on the host sees its name.
    int number = 213;
    Path names = Path.of("/etc/iproute2/rt_protos.d", "detour-test-" + ns + ".conf");
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "add",
        "198.18.9.1/32",
        "dev",
        "tun0",
        "table",
        "1001",
        "proto",
        "bird");
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "add",
        "198.18.9.2/32",
        "dev",
        "tun0",
        "table",
        "1001",
        "proto",
        "static");
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "add",
        "198.18.9.3/32",
        "dev",
        "tun0",
        "table",
        "1001",
        "proto",
        "211");
    try {
      Files.writeString(names, number + "\tdetour-test-" + ns + "\n");
      inNs(
          () -> {
            LinuxBackend b = new LinuxBackend(settings("tun0", number));
            b.add("198.18.0.60/32", "detour");
            b.add("2001:db8:6::/48", "detour");
            return null;
          });
      assertThat(ip("-j route show table 1001"))
          .as("ip prints the name")
          .contains("\"protocol\":\"detour-test-" + ns + "\"");
      for (RouteProtocols protocols :
          List.of(RouteProtocols.numeric(), RouteProtocols.named(RouteProtocols.FILES))) {
        List<RouterRoute> listed =
            inNs(() -> new LinuxBackend(settings("tun0", number), protocols).list());
        assertThat(listed)
            .filteredOn(RouterRoute::owned)
            .extracting(RouterRoute::prefix)
            .as("numbers (ip -N) or names read back")
            .containsExactlyInAnyOrder("198.18.0.60/32", "2001:db8:6::/48");
        assertThat(listed)
            .filteredOn(r -> !r.owned())
            .extracting(RouterRoute::prefix, RouterRoute::dynamic)
            .contains(
                tuple("198.18.9.1/32", true),
                tuple("198.18.9.2/32", false),
                tuple("198.18.9.3/32", false));
      }
    } finally {
      Files.deleteIfExists(names);
    }
  }

  @Test
  void fiveHundredRoutesGoInOneBatchPerFamily() throws Exception {
    List<String> wanted = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      wanted.add("198.18." + (10 + i / 250) + "." + (i % 250) + "/32");
    }
    wanted.add("2001:db8:8::/48");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("192.0.2.1%tun0"));
          Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
          assertThat(b.applyAll(diff, Map.of())).as("nothing refused").isEmpty();
          assertThat(b.list()).filteredOn(RouterRoute::owned).hasSize(501);
          List<Reconciler.Change> changes = new ArrayList<>();
          Reconciler.Outcome o =
              Reconciler.apply(b, Reconciler.diff(List.of(), b.list()), Map.of(), 0, changes::add);
          assertThat(o).isEqualTo(new Reconciler.Outcome(0, 0, 501, 0, null));
          assertThat(changes).hasSize(501).allMatch(Reconciler.Change::ok);
          return null;
        });
    assertThat(ip("route show table 1001").lines())
        .containsExactly("198.18.7.0/24 dev tun0 scope link ");
  }

  @Test
  void aLineThatFailsRefusesOnlyItsChange() throws Exception {
    // Already there, as the user made it with Detour's marks: ip says "File exists".
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "add",
        "198.18.0.71/32",
        "dev",
        "tun0",
        "table",
        "1001",
        "proto",
        "211",
        "metric",
        "5");
    List<Reconciler.Change> changes = new ArrayList<>();
    Reconciler.Outcome o =
        inNs(
            () -> {
              LinuxBackend b = new LinuxBackend(settings("tun0"));
              RouterRoute gone =
                  new RouterRoute("198.18.0.79/32", "198.18.0.79/32", "tun0", null, false, true);
              Reconciler.Diff diff =
                  new Reconciler.Diff(
                      List.of(
                          "198.18.0.70/32", "198.18.0.71/32", "198.18.0.72/32", "2001:db8:9::/48"),
                      List.of(),
                      List.of(gone),
                      List.of(),
                      List.of());
              return Reconciler.apply(b, diff, Map.of(), 0, changes::add);
            });
    assertThat(o).isEqualTo(new Reconciler.Outcome(3, 0, 1, 1, null));
    assertThat(changes)
        .extracting(Reconciler.Change::action, Reconciler.Change::prefix, Reconciler.Change::ok)
        .containsExactly(
            tuple("add", "198.18.0.70/32", true),
            tuple("add", "198.18.0.71/32", false),
            tuple("add", "198.18.0.72/32", true),
            tuple("add", "2001:db8:9::/48", true),
            tuple("remove", "198.18.0.79/32", true));
    assertThat(changes.get(1).detail()).contains("adding 198.18.0.71/32", "File exists");
    assertThat(changes.get(4).detail()).isEqualTo("already gone");
    assertThat(ip("route show table 1001"))
        .contains("198.18.0.70 dev tun0 proto 211", "198.18.0.72 dev tun0 proto 211");
  }

  @Test
  void aRouteChangedByHandIsSetBackAndANewGatewayConvergesInOneSync() throws Exception {
    ip("link add oth0 type veth peer name oth1");
    ip("link set oth0 up");
    ip("link set oth1 up");
    ip("addr add 2001:db8:ffff::2/64 dev tun0 nodad");
    String gateway = "192.0.2.1%tun0,2001:db8:ffff::1%tun0";
    List<String> wanted = List.of("198.18.0.80/32", "198.18.0.81/32", "2001:db8:a::/48");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings(gateway));
          Reconciler.apply(b, Reconciler.diff(wanted, b.list()), Map.of(), 0, c -> {});
          return null;
        });
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "replace",
        "198.18.0.80/32",
        "dev",
        "oth0",
        "table",
        "1001",
        "proto",
        "211",
        "metric",
        "5");
    ip("route del 198.18.0.81/32 table 1001 proto 211");
    sh(
        "ip",
        "-n",
        ns,
        "route",
        "add",
        "198.18.0.81/32",
        "via",
        "192.0.2.1",
        "dev",
        "tun0",
        "table",
        "1001",
        "proto",
        "211",
        "metric",
        "7");
    sh(
        "ip",
        "-n",
        ns,
        "-6",
        "route",
        "replace",
        "2001:db8:a::/48",
        "dev",
        "oth0",
        "table",
        "1001",
        "proto",
        "211",
        "metric",
        "5");
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings(gateway));
          Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
          assertThat(diff.add()).isEmpty();
          assertThat(diff.remove()).isEmpty();
          assertThat(diff.update())
              .extracting(RouterRoute::prefix, RouterRoute::drift)
              .containsExactlyInAnyOrder(
                  tuple("198.18.0.80/32", "via unset (wanted 192.0.2.1), dev oth0 (wanted tun0)"),
                  tuple("198.18.0.81/32", "metric 7 (wanted 5)"),
                  tuple(
                      "2001:db8:a::/48",
                      "via unset (wanted 2001:db8:ffff::1), dev oth0 (wanted tun0)"));
          List<Reconciler.Change> changes = new ArrayList<>();
          assertThat(Reconciler.apply(b, diff, Map.of(), 0, changes::add))
              .isEqualTo(new Reconciler.Outcome(0, 3, 0, 0, null));
          assertThat(changes).extracting(Reconciler.Change::action).containsOnly("update");
          assertThat(Reconciler.diff(wanted, b.list()).empty()).isTrue();
          return null;
        });
    assertThat(ip("route show table 1001"))
        .contains(
            "198.18.0.80 via 192.0.2.1 dev tun0 proto 211 metric 5",
            "198.18.0.81 via 192.0.2.1 dev tun0 proto 211 metric 5")
        .doesNotContain("metric 7")
        .doesNotContain("oth0");
    assertThat(ip("-6 route show table 1001"))
        .contains("2001:db8:a::/48 via 2001:db8:ffff::1 dev tun0 proto 211 metric 5")
        .doesNotContain("oth0");

    // A new gateway in the settings: every route drifts, and one sync sets them all.
    inNs(
        () -> {
          LinuxBackend b = new LinuxBackend(settings("tun0"));
          Reconciler.Diff diff = Reconciler.diff(wanted, b.list());
          assertThat(diff.update()).hasSize(3);
          assertThat(Reconciler.apply(b, diff, Map.of(), 0, c -> {}).updated()).isEqualTo(3);
          assertThat(Reconciler.diff(wanted, b.list()).empty()).isTrue();
          return null;
        });
    assertThat(ip("route show table 1001"))
        .contains("198.18.0.80 dev tun0 proto 211", "198.18.0.81 dev tun0 proto 211")
        .doesNotContain("via");
    assertThat(ip("-6 route show table 1001"))
        .contains("2001:db8:a::/48 dev tun0 proto 211")
        .doesNotContain("via");
  }

  /** The rules that look up table 1001, as ip prints them. */
  List<String> rulesFor1001(String family) throws Exception {
    return ip(family + " rule show table 1001").lines().toList();
  }

  /** Runs {@code ip} in the test's namespace with these words (split at spaces). */
  String ip(String words) throws Exception {
    List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
    command.addAll(List.of(words.split(" ")));
    return sh(command.toArray(String[]::new));
  }

  static String sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
    return out;
  }
}
