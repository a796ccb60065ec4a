package dev.detour.route.mikrotik;

import dev.detour.route.RouterKind;
import dev.detour.route.RouterSettings;
import dev.detour.route.RoutersConfig.RouterMode;
import java.nio.file.Path;
import java.time.Duration;

/** {@link RouterSettings} for a test router, with the emulator's login and Detour's defaults. */
final class TestSettings {

  private final RouterKind kind;
  private final String url;
  private final int port;
  private final boolean tls;
  private Path caFile;
  private String certificateSha256;
  private String password = RouterOsEmulator.PASSWORD;
  private String gateway = "gre-tunnel1";
  private String routingTable = "main";
  private RouterMode mode = RouterMode.ROUTES;
  private Duration timeout = Duration.ofSeconds(5);

  private TestSettings(RouterKind kind, String url, int port, boolean tls) {
    this.kind = kind;
    this.url = url;
    this.port = port;
    this.tls = tls;
  }

  static TestSettings rest(String url) {
    return new TestSettings(new MikrotikRestKind(), url, 0, url.startsWith("https:"));
  }

  static TestSettings api(int port, boolean tls) {
    return new TestSettings(new MikrotikApiKind(), null, port, tls);
  }

  TestSettings caFile(Path caFile) {
    this.caFile = caFile;
    return this;
  }

  TestSettings pin(String sha256) {
    this.certificateSha256 = sha256;
    return this;
  }

  TestSettings password(String password) {
    this.password = password;
    return this;
  }

  TestSettings gateway(String gateway) {
    this.gateway = gateway;
    return this;
  }

  TestSettings routingTable(String routingTable) {
    this.routingTable = routingTable;
    return this;
  }

  TestSettings addressList() {
    this.mode = RouterMode.ADDRESS_LIST;
    return this;
  }

  TestSettings timeout(Duration timeout) {
    this.timeout = timeout;
    return this;
  }

  RouterSettings build() {
    return new RouterSettings(
        "lab",
        kind,
        url,
        "127.0.0.1",
        port,
        tls,
        caFile,
        certificateSha256,
        RouterOsEmulator.USER,
        password,
        gateway,
        1,
        routingTable,
        "detour",
        5000,
        mode,
        "detour",
        timeout,
        50,
        null,
        0);
  }
}
