package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The API protocol backend (RouterOS 6) against the emulated router's API. */
class MikrotikApiBackendTest extends RouterOsBackendContract {

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

  @Test
  void theMainTableHasNoRoutingMark() throws Exception {
    RouterBackend backend = connect(plain());
    backend.add("1.2.3.0/24", "detour");

    assertThat(router.route("1.2.3.0/24")).containsEntry("routing-table", "main");
    assertThat(backend.list()).isNotEmpty();
  }
}
