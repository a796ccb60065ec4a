package dev.detour.probe.http;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.Rendering;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS handshakes on 443 (or the watch's first port): the JDK's naming the target, and a browser's
 * hello naming it without and with ECH — a censor keyed on the hello's shape (a fingerprint, the
 * ECH extension) fails one shape while another passes. When the JDK's fails, two more without the
 * target's name (none, and a decoy: {@code detour.probe.decoy-sni}): SNI filtering fails only the
 * one naming it.
 */
@Singleton
public final class TlsProbe implements Probe<TlsHandshakes> {

  public static final ProbeKind KIND = ProbeKind.of("tls");

  private final HttpProbe http;
  private final String decoy;

  @Inject
  public TlsProbe(HttpProbe http, ProbeConfig config) {
    this(http, config.decoySni());
  }

  public TlsProbe(HttpProbe http, String decoy) {
    this.http = http;
    this.decoy = decoy;
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 50;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  @Override
  public Rendering render(TlsHandshakes e) {
    List<Rendering.Line> lines = new ArrayList<>();
    int ok = 0;
    for (TlsEvidence h : e.handshakes()) {
      boolean passed = h.error() == null;
      ok += passed ? 1 : 0;
      lines.add(
          new Rendering.Line(
              "ClientHello "
                  + (h.helloShape() == TlsEvidence.Shape.JAVA
                      ? ""
                      : "(" + h.helloShape().label() + ") ")
                  + "SNI="
                  + h.sni().label()
                  + (h.serverName() != null ? " (" + h.serverName() + ")" : "")
                  + " → "
                  + (passed
                      ? (h.protocol() == null ? "" : h.protocol())
                          + " "
                          + (h.certificateSubject() == null ? "" : h.certificateSubject())
                      : (h.stage() == null ? "" : h.stage().label()) + " " + h.error())
                  + " in "
                  + h.handshakeMillis()
                  + " ms",
              passed ? "answer" : "bad"));
    }
    return new Rendering(ok + " of " + e.handshakes().size() + " handshakes completed", lines);
  }

  @Override
  public Class<TlsHandshakes> evidenceType() {
    return TlsHandshakes.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  /**
   * The hellos naming the target at once — the JDK's and a browser's without and with ECH — so a
   * silent filter costs one timeout, not three. Only when the JDK's fails are the two without the
   * target's name sent (none, a decoy), again at once: what they tell (the name is what is
   * filtered) matters only then, and a site that answers costs three hellos a round, not five.
   */
  @Override
  public TlsHandshakes run(ProbeRequest request) throws IOException {
    int port = request.ports().contains(443) ? 443 : request.ports().get(0);
    String name = request.name() != null ? request.name() : request.address().getHostAddress();
    InetAddress at = request.address();
    InetAddress from = request.source();
    List<TlsEvidence> all =
        new ArrayList<>(
            ProbeThreads.all(
                List.<ProbeThreads.Part<TlsEvidence>>of(
                    () -> http.handshake(at, port, TlsEvidence.Sni.TARGET, name, from),
                    () -> hello(at, port, name, TlsEvidence.Shape.BROWSER, from),
                    () -> hello(at, port, name, TlsEvidence.Shape.BROWSER_ECH, from))));
    if (!all.get(0).passed()) {
      all.addAll(
          ProbeThreads.all(
              List.<ProbeThreads.Part<TlsEvidence>>of(
                  () -> http.handshake(at, port, TlsEvidence.Sni.NONE, name, from),
                  () -> http.handshake(at, port, TlsEvidence.Sni.DECOY, decoy, from))));
    }
    return new TlsHandshakes(List.copyOf(all));
  }

  /**
   * A browser-shaped ClientHello naming {@code name}, and how the server answered: a ServerHello
   * (passed), an alert, a reset, nothing (silence), or the first bytes then nothing (a freeze). A
   * hello met by silence is sent once more on a new connection, as a SYN is: on a lossy line one
   * lost segment must not read as a filter keyed on the hello's shape.
   */
  public TlsEvidence hello(
      InetAddress address, int port, String name, TlsEvidence.Shape shape, InetAddress local) {
    TlsEvidence first = helloOnce(address, port, name, shape, local);
    return first.stage() == HttpStage.TLS_TIMEOUT || first.stage() == HttpStage.CONNECT_TIMEOUT
        ? helloOnce(address, port, name, shape, local)
        : first;
  }

  private TlsEvidence helloOnce(
      InetAddress address, int port, String name, TlsEvidence.Shape shape, InetAddress local) {
    byte[] hello = ClientHello.browser(name, shape == TlsEvidence.Shape.BROWSER_ECH);
    Connector connector = http.connector();
    return connector.connected(
        address,
        port,
        local,
        connector.whole(),
        (stage, e) -> shaped(name, stage, Connector.message(e), -1, shape),
        (socket, deadline) -> {
          long start = System.nanoTime();
          byte[] answer = new byte[64];
          int n = 0;
          try {
            socket.getOutputStream().write(hello);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            int r;
            while (n < 6 && (r = in.read(answer, n, answer.length - n)) > 0) {
              n += r;
            }
          } catch (IOException e) {
            IOException told = deadline.explain(e);
            long millis = Connector.millisSince(start);
            if (told instanceof SocketTimeoutException) {
              return shaped(
                  name,
                  HttpStage.TLS_TIMEOUT,
                  n == 0 ? "nothing came back" : "froze after " + n + " bytes",
                  millis,
                  shape);
            }
            return shaped(name, Connector.tlsStage(told), Connector.message(told), millis, shape);
          }
          long millis = Connector.millisSince(start);
          if (ClientHello.serverHello(answer, n)) {
            return shaped(name, HttpStage.RESPONSE, null, millis, shape);
          }
          if (ClientHello.alert(answer, n)) {
            return shaped(
                name,
                HttpStage.TLS_FAILED,
                "alert" + (n >= 7 ? " " + (answer[6] & 0xff) : ""),
                millis,
                shape);
          }
          return shaped(
              name,
              HttpStage.TLS_FAILED,
              n == 0 ? "closed without an answer" : "not TLS (" + n + " bytes)",
              millis,
              shape);
        });
  }

  private static TlsEvidence shaped(
      String name, HttpStage stage, String error, long millis, TlsEvidence.Shape shape) {
    return new TlsEvidence(
        TlsEvidence.Sni.TARGET,
        name,
        stage,
        error,
        stage == HttpStage.RESPONSE ? "ServerHello" : null,
        null,
        millis,
        null,
        null,
        shape);
  }
}
