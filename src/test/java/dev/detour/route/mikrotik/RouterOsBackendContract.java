package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterRoute;
import dev.detour.route.RouterSettings;
import dev.detour.route.plan.Fence;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What both RouterOS backends must do against the emulated router, whatever the transport: one
 * subclass per backend says how to reach the router.
 */
abstract class RouterOsBackendContract {

  final RouterOsEmulator router = new RouterOsEmulator();
  private RouterBackend open;

  /** Settings for the router without TLS. */
  abstract TestSettings plain();

  /** Settings for the router with TLS. */
  abstract TestSettings secure();

  /** Settings for a port nothing listens on. */
  abstract TestSettings at(int port);

  abstract RouterBackend backend(RouterSettings settings);

  /** Whether the emulated router is RouterOS 6, whose {@code /ipv6/route} has no tables. */
  boolean routerOs6() {
    return false;
  }

  /** The backend, closed after the test. */
  RouterBackend connect(TestSettings settings) {
    if (open != null) {
      open.close();
    }
    open = backend(settings.build());
    return open;
  }

  @AfterEach
  void shutDown() {
    if (open != null) {
      open.close();
    }
    router.close();
  }

  static RouterException failure(ThrowingCall call) {
    RouterException e = catchThrowableOfType(call::run, RouterException.class);
    assertThat(e).as("a RouterException").isNotNull();
    assertThat(e.getMessage()).doesNotContain(RouterOsEmulator.PASSWORD);
    return e;
  }

  /** A call that may fail as a router fails. */
  @FunctionalInterface
  interface ThrowingCall {
    void run() throws Exception;
  }

  static RouterRoute find(List<RouterRoute> routes, String prefix) {
    return routes.stream().filter(r -> r.prefix().equals(prefix)).findFirst().orElse(null);
  }

  @Test
  void describesTheRouter() throws Exception {
    router.resource("7.16 (stable)", "CHR");
    assertThat(connect(plain()).describe()).isEqualTo("RouterOS 7.16 (CHR)");
  }

  @Test
  void addListRemoveRoundTripNormalises() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute host = backend.add("1.2.3.4", "detour blocked: example.org");
    RouterRoute block = backend.add("10.1.2.3/8", "detour blocked: example.net");

    assertThat(host.prefix()).isEqualTo("1.2.3.4/32");
    assertThat(host.owned()).isTrue();
    assertThat(host.dynamic()).isFalse();
    assertThat(host.gateway()).isEqualTo("gre-tunnel1");
    assertThat(block.prefix()).isEqualTo("10.0.0.0/8");
    Map<String, String> written = router.route("1.2.3.4");
    assertThat(written)
        .containsEntry("dst-address", "1.2.3.4/32")
        .containsEntry("gateway", "gre-tunnel1")
        .containsEntry("distance", "1")
        .containsEntry("routing-table", "main")
        .containsEntry("comment", "detour blocked: example.org")
        .containsEntry(".id", host.id());

    List<RouterRoute> listed = backend.list();
    assertThat(find(listed, "1.2.3.4/32")).isEqualTo(host);
    assertThat(find(listed, "10.0.0.0/8")).isEqualTo(block);

    backend.remove(host);
    assertThat(router.route("1.2.3.4")).isNull();
    assertThat(find(backend.list(), "1.2.3.4/32")).isNull();
    assertThat(find(backend.list(), "10.0.0.0/8")).isNotNull();
  }

  @Test
  void onlyDetoursCommentIsOwned() throws Exception {
    router.put(
        "ip/route",
        "dst-address",
        "8.8.8.0/24",
        "gateway",
        "ether1",
        "routing-table",
        "main",
        "comment",
        "uplink dns",
        "dynamic",
        "false");
    router.put(
        "ip/route",
        "dst-address",
        "9.9.9.0/24",
        "gateway",
        "ether1",
        "routing-table",
        "main",
        "comment",
        "detourist",
        "dynamic",
        "false");
    router.put(
        "ip/route",
        "dst-address",
        "100.64.0.0/10",
        "gateway",
        "ether1",
        "routing-table",
        "main",
        "comment",
        "detour learned",
        "dynamic",
        "true");
    RouterBackend backend = connect(plain());
    backend.add("149.154.164.0/22", "detour");

    List<RouterRoute> listed = backend.list();
    assertThat(find(listed, "149.154.164.0/22").owned()).isTrue();
    assertThat(find(listed, "8.8.8.0/24").owned()).isFalse();
    assertThat(find(listed, "9.9.9.0/24").owned()).isFalse();
    // Dynamic routes (learned, connected; a full BGP table) are never asked for: never Detour's.
    assertThat(find(listed, "100.64.0.0/10")).isNull();
    assertThat(find(listed, "192.168.88.0/24")).isNull();
    assertThat(find(listed, "0.0.0.0/0").owned()).isFalse();
  }

  @Test
  void aRouteNotOwnedIsNeverRemoved() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute uplink = find(backend.list(), "0.0.0.0/0");

    assertThat(failure(() -> backend.remove(uplink)).kind()).isEqualTo(Kind.REJECTED);
    RouterRoute forged =
        new RouterRoute(uplink.id(), uplink.prefix(), uplink.gateway(), "detour", false, true);
    assertThat(failure(() -> backend.remove(forged)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(router.route("0.0.0.0/0")).isNotNull();
  }

  @Test
  void removingTwiceIsNotFound() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute route = backend.add("1.2.3.0/24", "detour");
    backend.remove(route);

    RouterException again = failure(() -> backend.remove(route));
    assertThat(again.kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(again.onlyThisChange()).isTrue();
  }

  @Test
  void aRouteTheRouterAlreadyHasIsRejected() throws Exception {
    RouterBackend backend = connect(plain());
    backend.add("1.2.3.0/24", "detour");

    RouterException e = failure(() -> backend.add("1.2.3.0/24", "detour"));
    assertThat(e.kind()).isEqualTo(Kind.REJECTED);
    assertThat(e.getMessage()).contains("already have such route");
    assertThat(backend.list()).isNotEmpty();
  }

  /**
   * The user's routes in another table are none of Detour's business; Detour's own there (its table
   * changed in the configuration, or the route moved by hand) is listed with its drift, to be set
   * back.
   */
  @Test
  void anotherTableIsLeftOutAndItsOwnIsWritten() throws Exception {
    router.routingTable("detour");
    router.put(
        "ip/route",
        "dst-address",
        "5.5.5.0/24",
        "gateway",
        "ether1",
        "routing-table",
        "detour",
        "comment",
        "detour",
        "distance",
        "1",
        "dynamic",
        "false");
    router.put(
        "ip/route",
        "dst-address",
        "7.7.7.0/24",
        "gateway",
        "ether1",
        "routing-table",
        "detour",
        "comment",
        "the user's",
        "dynamic",
        "false");
    RouterBackend main = connect(plain().gateway("ether1"));
    assertThat(find(main.list(), "7.7.7.0/24")).isNull();
    assertThat(find(main.list(), "5.5.5.0/24").drift())
        .isEqualTo((routerOs6() ? "routing-mark" : "routing-table") + " detour (wanted main)");

    RouterBackend table = connect(plain().routingTable("detour"));
    assertThat(find(table.list(), "5.5.5.0/24").owned()).isTrue();
    assertThat(find(table.list(), "0.0.0.0/0")).isNull();
    table.add("6.6.6.0/24", "detour");
    assertThat(router.route("6.6.6.0/24")).containsEntry("routing-table", "detour");
  }

  @Test
  void ipv6PrefixesGoToTheIpv6Menu() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute route = backend.add("2001:DB8:1::/48", "detour");

    assertThat(route.prefix()).isEqualTo("2001:db8:1::/48");
    assertThat(router.route("2001:db8:1::/48")).containsEntry("gateway", "gre-tunnel1");
    assertThat(find(backend.list(), "2001:db8:1::/48")).isEqualTo(route);
    assertThat(find(backend.list(), "2001:db8::/64")).as("a connected route").isNull();
    backend.remove(route);
    assertThat(router.route("2001:db8:1::/48")).isNull();
  }

  /**
   * IPv6 routes beside IPv4 ones in a table of Detour's: RouterOS 7 puts both in it ({@code
   * routing-table}); RouterOS 6's {@code /ipv6 route} has no table word, so its IPv6 routes are in
   * main, told Detour's by their comment, and main's other routes stay the router's.
   */
  @Test
  void ipv6RoutesGoWhereTheRoutersVersionKeepsThemBesideTheIpv4Ones() throws Exception {
    router.routingTable("detour");
    RouterBackend backend = connect(plain().routingTable("detour"));

    RouterRoute v4 = backend.add("6.6.6.0/24", "detour");
    RouterRoute v6 = backend.add("2001:db8:1::/48", "detour");

    assertThat(router.route("6.6.6.0/24")).containsEntry("routing-table", "detour");
    assertThat(router.route("2001:db8:1::/48"))
        .containsEntry("routing-table", routerOs6() ? "main" : "detour")
        .containsEntry("gateway", "gre-tunnel1");
    List<RouterRoute> listed = backend.list();
    assertThat(find(listed, "2001:db8:1::/48")).isEqualTo(v6);
    assertThat(find(listed, "6.6.6.0/24")).isEqualTo(v4);
    assertThat(find(listed, "2001:db8::/64")).as("the router's own, connected").isNull();
    assertThat(find(listed, "0.0.0.0/0")).as("IPv4 main stays out").isNull();
    backend.remove(v6);
    assertThat(router.route("2001:db8:1::/48")).isNull();
    assertThat(find(backend.list(), "6.6.6.0/24")).isEqualTo(v4);
    backend.remove(v4);
    assertThat(router.route("6.6.6.0/24")).isNull();
  }

  @Test
  void aRouterWithoutIpv6StillListsAndRefusesIpv6() throws Exception {
    router.withoutIpv6();
    RouterBackend backend = connect(plain());
    backend.add("1.2.3.0/24", "detour");

    assertThat(find(backend.list(), "1.2.3.0/24")).isNotNull();
    assertThat(failure(() -> backend.add("2001:db8:1::/48", "detour")).kind())
        .isEqualTo(Kind.REJECTED);
  }

  @Test
  void aWrongPasswordIsAuth() {
    router.password("changed");
    RouterException e = failure(() -> connect(plain()).list());

    assertThat(e.kind()).isEqualTo(Kind.AUTH);
    assertThat(e.onlyThisChange()).isFalse();
  }

  @Test
  void nothingListeningIsUnreachable() throws IOException {
    int port;
    try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = gone.getLocalPort();
    }
    assertThat(failure(() -> connect(at(port)).describe()).kind()).isEqualTo(Kind.UNREACHABLE);
  }

  @Test
  void slowAnswersTimeOut() {
    router.delay(Duration.ofSeconds(3));
    RouterBackend backend = connect(plain().timeout(Duration.ofMillis(400)));
    long start = System.nanoTime();

    assertThat(failure(backend::list).kind()).isEqualTo(Kind.TIMEOUT);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
  }

  @Test
  void aPinnedCertificateIsTrustedWhateverItsName() throws Exception {
    RouterBackend backend =
        connect(secure().pin(TestCertificates.sha256(TestCertificates.router())));

    assertThat(backend.describe()).startsWith("RouterOS ");
  }

  @Test
  void anotherCertificateThanThePinnedOneIsRefusedBeforeTheLogin() {
    RouterException e =
        failure(
            () -> connect(secure().pin(TestCertificates.sha256(TestCertificates.other()))).list());

    assertThat(e.kind()).isEqualTo(Kind.CERTIFICATE);
    assertThat(e.getMessage()).contains(TestCertificates.sha256(TestCertificates.router()));
    assertThat(router.authorizationsSeen()).isZero();
    assertThat(router.loginsSeen()).isZero();
  }

  @Test
  void aCaFileIsTrusted() throws Exception {
    assertThat(connect(secure().caFile(TestCertificates.caPem())).describe())
        .startsWith("RouterOS ");
  }

  @Test
  void aCaFileOfAnotherCertificateIsRefused() {
    RouterException e =
        failure(() -> connect(secure().caFile(TestCertificates.otherPem())).describe());

    assertThat(e.kind()).isEqualTo(Kind.CERTIFICATE);
    assertThat(router.authorizationsSeen()).isZero();
    assertThat(router.loginsSeen()).isZero();
  }

  @Test
  void withoutPinOrCaTheJvmDoesNotTrustAHomeMadeCertificate() {
    assertThat(failure(() -> connect(secure()).describe()).kind()).isEqualTo(Kind.CERTIFICATE);
    assertThat(router.authorizationsSeen()).isZero();
    assertThat(router.loginsSeen()).isZero();
  }

  @Test
  void aChangedCertificateIsRefused() throws Exception {
    RouterBackend backend =
        connect(secure().pin(TestCertificates.sha256(TestCertificates.router())));
    backend.describe();
    int before = router.authorizationsSeen() + router.loginsSeen();

    router.changeCertificate();

    RouterException e = afterDrop(backend::describe);
    assertThat(e).isNotNull();
    assertThat(e.kind()).isEqualTo(Kind.CERTIFICATE);
    assertThat(router.authorizationsSeen() + router.loginsSeen()).isEqualTo(before);
  }

  @Test
  void aRebootRenumbersAndStaleIdsAreNotFound() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute first = backend.add("1.1.1.0/24", "detour");
    RouterRoute second = backend.add("2.2.2.0/24", "detour");
    RouterRoute third = backend.add("3.3.3.0/24", "detour");
    backend.remove(first);

    router.reboot();

    assertThat(afterDrop(backend::describe)).isNull();
    List<RouterRoute> listed = backend.list();
    RouterRoute secondNow = find(listed, "2.2.2.0/24");
    RouterRoute thirdNow = find(listed, "3.3.3.0/24");
    assertThat(secondNow.id()).isNotEqualTo(second.id());
    assertThat(thirdNow.id()).isNotEqualTo(third.id());
    assertThat(second.id()).as("the old id names another route now").isEqualTo(thirdNow.id());
    assertThat(failure(() -> backend.remove(second)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(failure(() -> backend.remove(third)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(backend.list()).hasSameSizeAs(listed);

    backend.remove(secondNow);
    assertThat(router.route("2.2.2.0/24")).isNull();
    assertThat(router.route("3.3.3.0/24")).isNotNull();
  }

  @Test
  void theUserDeletingOrTakingOverARouteIsRespected() throws Exception {
    RouterBackend backend = connect(plain());
    RouterRoute deleted = backend.add("1.1.1.0/24", "detour");
    RouterRoute taken = backend.add("2.2.2.0/24", "detour");

    router.handDelete("1.1.1.0/24");
    router.handEdit("2.2.2.0/24", "comment", "mine now");

    assertThat(failure(() -> backend.remove(deleted)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(find(backend.list(), "2.2.2.0/24").owned()).isFalse();
    assertThat(failure(() -> backend.remove(taken)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(router.route("2.2.2.0/24")).containsEntry("comment", "mine now");
  }

  @Test
  void fencesAreTheTunnelsEndsAndTheRoutersAddresses() throws Exception {
    List<Fence> fences = connect(plain()).fences();

    assertThat(fences)
        .extracting(Fence::prefix)
        .containsExactlyInAnyOrder(
            "198.51.100.9/32", "203.0.113.7/32", "192.168.88.1/32", "2001:db8::1/128");
    assertThat(fences)
        .filteredOn(f -> f.prefix().equals("198.51.100.9/32"))
        .extracting(Fence::reason)
        .singleElement()
        .asString()
        .contains("remote-address", "gre-tunnel1");
  }

  @Test
  void anIpv6TunnelsFarEndIsFenced() throws Exception {
    router.put(
        "interface/gre6",
        "name",
        "gre6-tunnel1",
        "local-address",
        "2001:db8::1",
        "remote-address",
        "2001:db8:5::9",
        "disabled",
        "false");

    assertThat(connect(plain().gateway("gre6-tunnel1")).fences())
        .filteredOn(f -> f.prefix().equals("2001:db8:5::9/128"))
        .extracting(Fence::reason)
        .singleElement()
        .asString()
        .contains("remote-address", "gre6-tunnel1");
  }

  @Test
  void aGatewayThatIsNoTunnelFencesOnlyTheRoutersAddresses() throws Exception {
    assertThat(connect(plain().gateway("ether1")).fences())
        .extracting(Fence::prefix)
        .containsExactlyInAnyOrder("203.0.113.7/32", "192.168.88.1/32", "2001:db8::1/128");
  }

  @Test
  void theGatewayIsUpWhenRunningAndEnabled() throws Exception {
    RouterBackend backend = connect(plain());
    assertThat(backend.gatewayUp()).isTrue();

    router.interfaceState("gre-tunnel1", false, false);
    assertThat(backend.gatewayUp()).isFalse();
    router.interfaceState("gre-tunnel1", true, true);
    assertThat(backend.gatewayUp()).isFalse();
    assertThat(connect(plain().gateway("gre-missing")).gatewayUp()).isFalse();
  }

  @Test
  void addressListModeWritesEntriesOfItsList() throws Exception {
    router.put(
        "ip/firewall/address-list",
        "list",
        "other",
        "address",
        "7.7.7.7",
        "comment",
        "detour",
        "dynamic",
        "false");
    router.put(
        "ip/firewall/address-list",
        "list",
        "detour",
        "address",
        "example.com",
        "comment",
        "detour",
        "dynamic",
        "false");
    router.put(
        "ip/firewall/address-list",
        "list",
        "detour",
        "address",
        "8.8.4.4",
        "comment",
        "mine",
        "dynamic",
        "false");
    RouterBackend backend = connect(plain().addressList());

    RouterRoute host = backend.add("1.2.3.4/32", "detour blocked");
    RouterRoute block = backend.add("10.0.0.0/8", "detour blocked");

    assertThat(host.prefix()).isEqualTo("1.2.3.4/32");
    assertThat(host.gateway()).isNull();
    assertThat(router.entries("ip/firewall/address-list"))
        .anySatisfy(
            e ->
                assertThat(e)
                    .containsEntry("list", "detour")
                    .containsEntry("address", "1.2.3.4")
                    .containsEntry("comment", "detour blocked"));
    List<RouterRoute> listed = backend.list();
    assertThat(listed)
        .extracting(RouterRoute::prefix)
        .containsExactlyInAnyOrder("1.2.3.4/32", "10.0.0.0/8", "8.8.4.4/32");
    assertThat(find(listed, "1.2.3.4/32")).isEqualTo(host);
    assertThat(find(listed, "8.8.4.4/32").owned()).isFalse();
    assertThat(router.entries("ip/route"))
        .noneMatch(e -> "1.2.3.4/32".equals(e.get("dst-address")));

    backend.remove(host);
    assertThat(failure(() -> backend.remove(host)).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(backend.list()).extracting(RouterRoute::prefix).doesNotContain("1.2.3.4/32");
    assertThat(find(backend.list(), "10.0.0.0/8")).isEqualTo(block);
  }

  /**
   * Runs a call after the router dropped the connection: a backend that kept one may fail once as
   * unreachable, then connects again. Returns the failure of the call that counted, or null.
   */
  static RouterException afterDrop(ThrowingCall call) {
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        call.run();
        return null;
      } catch (RouterException e) {
        if (e.kind() != Kind.UNREACHABLE || attempt == 1) {
          assertThat(e.getMessage()).doesNotContain(RouterOsEmulator.PASSWORD);
          return e;
        }
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("unreachable");
  }
}
