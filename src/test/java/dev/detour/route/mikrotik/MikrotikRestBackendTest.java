package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.route.RouterBackend;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The REST backend (RouterOS 7) against the emulated router's REST API. */
class MikrotikRestBackendTest extends RouterOsBackendContract {

  @Override
  TestSettings plain() {
    return TestSettings.rest(router.restUrl());
  }

  @Override
  TestSettings secure() {
    return TestSettings.rest(router.restTlsUrl());
  }

  @Override
  TestSettings at(int port) {
    return TestSettings.rest("http://127.0.0.1:" + port);
  }

  @Override
  RouterBackend backend(RouterSettings settings) {
    return new MikrotikRestBackend(settings);
  }

  @Test
  void malformedJsonIsProtocol() throws Exception {
    RouterBackend backend = connect(plain());
    router.malformedJsonNext();

    assertThat(failure(backend::list).kind()).isEqualTo(Kind.PROTOCOL);
    assertThat(backend.list()).isNotEmpty();
  }

  @Test
  void anAnswerPastItsCapIsProtocolWithoutReadingItAll() throws Exception {
    RouterBackend backend = connect(plain().timeout(Duration.ofSeconds(10)));
    router.hugeAnswerNext(256L << 20);
    long start = System.nanoTime();

    assertThat(failure(backend::describe).kind()).isEqualTo(Kind.PROTOCOL);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aServerErrorIsBusyAndPasses() throws Exception {
    RouterBackend backend = connect(plain());
    router.failRequest(1);

    assertThat(failure(backend::describe).kind()).isEqualTo(Kind.BUSY);
    assertThat(backend.describe()).startsWith("RouterOS ");
  }

  @Test
  void moreSessionsThanTheRouterTakesIsBusy() {
    router.sessionLimit(0);

    assertThat(failure(() -> connect(plain()).describe()).kind()).isEqualTo(Kind.BUSY);
  }

  @Test
  void aBadRequestCarriesTheRoutersDetail() {
    RouterBackend backend = connect(plain().routingTable("nonexistent"));

    assertThat(failure(() -> backend.add("1.2.3.0/24", "detour")).getMessage())
        .contains("400", "input does not match any value of routing-table");
  }
}
