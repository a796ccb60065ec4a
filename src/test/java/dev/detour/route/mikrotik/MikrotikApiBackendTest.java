package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The API protocol backend against the emulated router's API as RouterOS 6, which has no REST;
 * {@link MikrotikApiRouterOs7Test} runs the same against RouterOS 7.
 */
class MikrotikApiBackendTest extends RouterOsBackendContract {

  /** What {@code /system/resource} says. */
  String version() {
    return "6.49.10 (long-term)";
  }

  @BeforeEach
  void routerOs() {
    router.resource(version(), "RB951Ui-2HnD");
  }

  @Override
  boolean routerOs6() {
    return version().startsWith("6.");
  }

  @Override
  TestSettings plain() {
    return TestSettings.api(router.apiPort(), false);
  }

  @Override
  TestSettings secure() {
    return TestSettings.api(router.apiTlsPort(), true);
  }

  @Override
  TestSettings at(int port) {
    return TestSettings.api(port, false);
  }

  @Override
  RouterBackend backend(RouterSettings settings) {
    return new MikrotikApiBackend(settings);
  }

  @Test
  void aHostileLengthIsProtocolAtOnce() {
    RouterBackend backend = connect(plain().timeout(Duration.ofSeconds(10)));
    router.hostileLengthNext();
    long start = System.nanoTime();

    assertThat(failure(backend::list).kind()).isEqualTo(Kind.PROTOCOL);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void theLoginBefore643AnswersAChallenge() throws Exception {
    router.legacyLogin().resource("6.42.12 (long-term)", "RB951Ui-2HnD");

    assertThat(connect(plain()).describe()).isEqualTo("RouterOS 6.42.12 (RB951Ui-2HnD)");
    assertThat(router.loginsSeen()).isEqualTo(2);
  }

  @Test
  void aWrongPasswordAgainstTheChallengeIsAuth() {
    router.legacyLogin().password("changed");

    assertThat(failure(() -> connect(plain()).describe()).kind()).isEqualTo(Kind.AUTH);
  }

  @Test
  void aFatalIsUnreachableAndTheNextCallConnectsAgain() throws Exception {
    RouterBackend backend = connect(plain());
    backend.describe();
    router.failRequest(1);

    assertThat(failure(backend::describe).kind()).isEqualTo(Kind.UNREACHABLE);
    assertThat(backend.describe()).startsWith("RouterOS ");
    assertThat(router.loginsSeen()).isEqualTo(2);
  }

  @Test
  void aRefusedCommandKeepsTheConnection() throws Exception {
    RouterBackend backend = connect(plain());
    backend.add("1.2.3.0/24", "detour");

    assertThat(failure(() -> backend.add("1.2.3.0/24", "detour")).kind()).isEqualTo(Kind.REJECTED);
    assertThat(backend.list()).isNotEmpty();
    assertThat(router.loginsSeen()).isEqualTo(1);
  }

  @Test
  void moreSessionsThanTheRouterTakesIsBusy() throws Exception {
    router.sessionLimit(1);
    connect(plain()).describe();

    try (RouterBackend second = backend(plain().build())) {
      assertThat(failure(second::describe).kind()).isEqualTo(Kind.BUSY);
    }
  }

  /**
   * Each version's IPv6 menu takes its own table word only: RouterOS 6 refuses {@code routing-mark}
   * there (its {@code /ipv6 route} has none), RouterOS 7 takes {@code routing-table}.
   */
  @Test
  void eachVersionsIpv6MenuTakesItsOwnTableWord() throws Exception {
    router.routingTable("detour");
    String word = routerOs6() ? "=routing-mark=detour" : "=routing-table=detour";
    try (ApiConnection api = ApiConnection.open(plain().build())) {
      List<String> add =
          List.of("/ipv6/route/add", "=dst-address=2001:db8:1::/48", "=gateway=gre-tunnel1", word);
      if (routerOs6()) {
        RouterException e = failure(() -> api.command(add, RouterOsBackend.ANSWER_CAP, row -> {}));
        assertThat(e.kind()).isEqualTo(Kind.REJECTED);
        assertThat(e.getMessage()).contains("unknown parameter");
      } else {
        api.command(add, RouterOsBackend.ANSWER_CAP, row -> {});
      }
    }
    if (routerOs6()) {
      assertThat(router.route("2001:db8:1::/48")).isNull();
    } else {
      assertThat(router.route("2001:db8:1::/48")).containsEntry("routing-table", "detour");
    }
  }

  @Test
  void theMainTableHasNoRoutingMark() throws Exception {
    RouterBackend backend = connect(plain());
    backend.add("1.2.3.0/24", "detour");

    assertThat(router.route("1.2.3.0/24")).containsEntry("routing-table", "main");
    assertThat(backend.list()).isNotEmpty();
  }
}
