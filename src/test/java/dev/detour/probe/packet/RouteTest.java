package dev.detour.probe.packet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.lab.NetNs;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Routes are asked of the kernel once and remembered until its routes change: a namespace of the
 * test's own with two links, a route moved from one to the other.
 */
class RouteTest {

  String ns;

  @BeforeEach
  void namespace() throws Exception {
    ns = "drt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    sh("ip", "netns", "add", ns);
    for (String[] link :
        List.of(new String[] {"one", "192.0.2.1/24"}, new String[] {"two", "198.51.100.1/24"})) {
      sh("ip", "-n", ns, "link", "add", link[0], "type", "veth", "peer", "name", link[0] + "-peer");
      sh("ip", "-n", ns, "addr", "add", link[1], "dev", link[0]);
      sh("ip", "-n", ns, "link", "set", link[0], "up");
      sh("ip", "-n", ns, "link", "set", link[0] + "-peer", "up");
    }
    sh("ip", "-n", ns, "route", "add", "203.0.113.0/24", "via", "192.0.2.254");
  }

  @AfterEach
  void remove() throws Exception {
    IpBatch.closeAll(); // its processes and the route monitor's would keep the namespace alive
    sh("ip", "netns", "del", ns);
  }

  @Test
  void aRouteIsAskedOnceAndAskedAgainWhenTheKernelsRoutesChange() throws Exception {
    InetAddress target = InetAddress.getByName("203.0.113.9");
    Route first = NetNs.call(ns, () -> Route.lookup(target, null));
    assertThat(first).isEqualTo(new Route("203.0.113.9", "one", "192.0.2.254", "192.0.2.1"));
    // Once the monitor has settled, a thousand lookups of a hundred targets ask a hundred times.
    Thread.sleep(400);
    long before = Route.ASKED.get();
    NetNs.call(
        ns,
        () -> {
          for (int round = 0; round < 10; round++) {
            for (int i = 0; i < 100; i++) {
              Route r = Route.lookup(InetAddress.getByName("203.0.113." + (100 + i)), null);
              assertThat(r.device()).isEqualTo("one");
              assertThat(r.destination()).isEqualTo("203.0.113." + (100 + i));
            }
          }
          return null;
        });
    assertThat(Route.ASKED.get() - before).isBetween(100L, 101L);

    // The route moves to the other link: the next lookups see it within moments, not minutes.
    sh("ip", "-n", ns, "route", "replace", "203.0.113.0/24", "via", "198.51.100.254");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    Route moved = first;
    while (System.nanoTime() < deadline && moved.device().equals("one")) {
      moved = NetNs.call(ns, () -> Route.lookup(target, null));
      Thread.sleep(20);
    }
    assertThat(moved).isEqualTo(new Route("203.0.113.9", "two", "198.51.100.254", "198.51.100.1"));
  }

  @Test
  void rtnetlinkAnswersAsIpRouteGetDoes() throws Exception {
    sh("ip", "-n", ns, "-6", "addr", "add", "2001:db8:1::1/64", "dev", "two", "nodad");
    sh("ip", "-n", ns, "-6", "route", "add", "2001:db8:99::/48", "via", "2001:db8:1::fe");
    sh("ip", "-n", ns, "route", "add", "unreachable", "198.18.0.0/15");
    NetNs.call(
        ns,
        () -> {
          String here = Route.namespace();
          for (String[] q :
              List.of(
                  new String[] {"203.0.113.9", null},
                  new String[] {"192.0.2.77", null},
                  new String[] {"203.0.113.9", "two"},
                  new String[] {"2001:db8:99::5", null},
                  new String[] {"2001:db8:1::9", null})) {
            InetAddress target = InetAddress.getByName(q[0]);
            Route asked = NetlinkRoutes.get(here, RouteChanges.UNWATCHED, target, q[1]);
            List<String> command =
                new java.util.ArrayList<>(
                    List.of(
                        "ip",
                        target.getAddress().length == 16 ? "-6" : "-4",
                        "-o",
                        "route",
                        "get",
                        q[0]));
            if (q[1] != null) {
              command.addAll(List.of("oif", q[1]));
            }
            String ip =
                new String(
                    new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .start()
                        .getInputStream()
                        .readAllBytes());
            assertThat(asked).as(q[0] + " oif " + q[1]).isEqualTo(Route.parse(q[0], ip));
          }
          assertThatThrownBy(
                  () ->
                      NetlinkRoutes.get(
                          here, RouteChanges.UNWATCHED, InetAddress.getByName("198.18.3.4"), null))
              .isInstanceOf(java.io.IOException.class)
              .hasMessage("no route to 198.18.3.4: No route to host");
          assertThatThrownBy(
                  () ->
                      NetlinkRoutes.get(
                          here,
                          RouteChanges.UNWATCHED,
                          InetAddress.getByName("203.0.113.9"),
                          "nx0"))
              .hasMessage("no route to 203.0.113.9: no device nx0");
          return null;
        });
  }

  static void sh(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + ": " + out);
    }
  }
}
