package dev.detour.probe.http;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.Rendering;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * TLS handshakes on 443 (or the watch's first port) with three SNIs: the target's name, none and a
 * decoy ({@code detour.probe.decoy-sni}). SNI filtering resets only the first.
 */
@Singleton
public final class TlsProbe implements Probe<TlsHandshakes> {

  public static final ProbeKind KIND = ProbeKind.of("tls");

  private final HttpProbe http;
  private final String decoy;

  public TlsProbe(HttpProbe http, ProbeConfig config) {
    this.http = http;
    this.decoy = config.decoySni();
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
              "ClientHello SNI="
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

  /** The three handshakes at once, so a silent SNI filter costs one timeout, not three. */
  @Override
  public TlsHandshakes run(ProbeRequest request) throws IOException {
    int port = request.ports().contains(443) ? 443 : request.ports().get(0);
    String name = request.name() != null ? request.name() : request.address().getHostAddress();
    return new TlsHandshakes(
        ProbeThreads.all(
            List.<ProbeThreads.Part<TlsEvidence>>of(
                () ->
                    http.handshake(
                        request.address(), port, TlsEvidence.Sni.TARGET, name, request.source()),
                () ->
                    http.handshake(
                        request.address(), port, TlsEvidence.Sni.NONE, name, request.source()),
                () ->
                    http.handshake(
                        request.address(), port, TlsEvidence.Sni.DECOY, decoy, request.source()))));
  }
}
