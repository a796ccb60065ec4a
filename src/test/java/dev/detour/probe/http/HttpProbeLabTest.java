package dev.detour.probe.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.Lab;
import dev.detour.lab.NetNs;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** HTTP, HTTPS and TLS handshakes from the lab's home against the censor's content filters. */
class HttpProbeLabTest {

  @RegisterExtension static final Lab lab = Lab.perClass();
  final HttpProbe probe =
      new HttpProbe(
          Duration.ofSeconds(2),
          Duration.ofSeconds(2),
          new BlockPages(
              List.of("warning.rt.ru", "warning." + Lab.ZONE), List.of("Доступ ограничен")));

  HttpEvidence get(String address, boolean https, String name, InetAddress local) throws Exception {
    InetAddress target = InetAddress.getByName(address);
    return NetNs.call(
        lab.namespace("home"),
        () -> probe.get(target, https ? 443 : 80, https, name, "/forum/index.php", local));
  }

  TlsEvidence handshake(String address, TlsEvidence.Sni sni, String name, InetAddress local)
      throws Exception {
    InetAddress target = InetAddress.getByName(address);
    return NetNs.call(lab.namespace("home"), () -> probe.handshake(target, 443, sni, name, local));
  }

  static InetAddress tunnel() throws Exception {
    return InetAddress.getByName(Lab.TUNNEL_HOME);
  }

  @Test
  void aWorkingSiteAnswersWithItsPage() throws Exception {
    HttpEvidence http = get(Lab.WEB1, false, "www." + Lab.ZONE, null);
    assertThat(http.stage()).isEqualTo(HttpStage.RESPONSE);
    assertThat(http.status()).isEqualTo(200);
    assertThat(http.title()).isEqualTo("www." + Lab.ZONE + " works");
    assertThat(http.headers()).containsEntry("server", "detour-lab");
    assertThat(http.blockPage()).isNull();
    assertThat(http.connectMillis()).isNotNegative();
    HttpEvidence https = get(Lab.WEB1, true, "www." + Lab.ZONE, null);
    assertThat(https.status()).isEqualTo(200);
    assertThat(https.tlsMillis()).isNotNegative();
  }

  @Test
  void recognisesTheRedirectToTheIspBlockPage() throws Exception {
    lab.block("blockpage", Lab.WEB3);
    try {
      HttpEvidence http = get(Lab.WEB3, false, "blocked." + Lab.ZONE, null);
      assertThat(http.status()).isEqualTo(302);
      assertThat(http.location()).startsWith("http://warning." + Lab.ZONE + "/?id=9");
      assertThat(http.blockPage()).isEqualTo("warning." + Lab.ZONE);
      // Through the tunnel the real page comes back.
      HttpEvidence control = get(Lab.WEB3, false, "blocked." + Lab.ZONE, tunnel());
      assertThat(control.status()).isEqualTo(200);
      assertThat(control.blockPage()).isNull();
    } finally {
      lab.unblock("blockpage", Lab.WEB3);
    }
  }

  @Test
  void aResetAfterTheRequestIsToldFromAConnectFailure() throws Exception {
    String blocked = "tampered." + Lab.ZONE;
    lab.block("http-tamper", Lab.WEB4, blocked);
    try {
      HttpEvidence tampered = get(Lab.WEB4, false, blocked, null);
      assertThat(tampered.stage()).isEqualTo(HttpStage.REQUEST_RESET);
      assertThat(tampered.connectMillis()).isNotNegative();
      assertThat(get(Lab.WEB4, false, "www." + Lab.ZONE, null).status()).isEqualTo(200);
    } finally {
      lab.unblock("http-tamper", Lab.WEB4, blocked);
    }
    lab.block("blackhole", Lab.WEB4, "80");
    lab.block("rst", Lab.WEB2, "80");
    try {
      assertThat(get(Lab.WEB4, false, null, null).stage()).isEqualTo(HttpStage.CONNECT_TIMEOUT);
      assertThat(get(Lab.WEB2, false, null, null).stage()).isEqualTo(HttpStage.CONNECT_REFUSED);
    } finally {
      lab.unblock("blackhole", Lab.WEB4, "80");
      lab.unblock("rst", Lab.WEB2, "80");
    }
  }

  @Test
  void theSniDifferenceIsVisible() throws Exception {
    String blocked = "sni." + Lab.ZONE;
    lab.block("sni", Lab.WEB5, blocked);
    try {
      TlsEvidence named = handshake(Lab.WEB5, TlsEvidence.Sni.TARGET, blocked, null);
      TlsEvidence none = handshake(Lab.WEB5, TlsEvidence.Sni.NONE, blocked, null);
      TlsEvidence decoy = handshake(Lab.WEB5, TlsEvidence.Sni.DECOY, "www." + Lab.ZONE, null);
      assertThat(named.stage()).isEqualTo(HttpStage.TLS_RESET);
      assertThat(none.stage()).isEqualTo(HttpStage.RESPONSE);
      assertThat(none.serverName()).isNull();
      assertThat(decoy.stage()).isEqualTo(HttpStage.RESPONSE);
      assertThat(decoy.certificateSubject()).contains("CN=" + Lab.ZONE);
      assertThat(handshake(Lab.WEB5, TlsEvidence.Sni.TARGET, blocked, tunnel()).stage())
          .isEqualTo(HttpStage.RESPONSE);
    } finally {
      lab.unblock("sni", Lab.WEB5, blocked);
    }
  }
}
