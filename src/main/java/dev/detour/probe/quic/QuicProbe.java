package dev.detour.probe.quic;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.http.Connector;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import tech.kwik.core.QuicClientConnection;
import tech.kwik.core.log.NullLogger;

/**
 * A QUIC v1 handshake (HTTP/3's transport, UDP 443) with the host's name as SNI, by Kwik — here and
 * through the control, like every probe. The ISP blocks or slows QUIC apart from TCP; a browser
 * then waits for its fallback to TCP, or gets nothing. Any answer of the server's (an Initial, a
 * Retry, a Version Negotiation, a close) shows QUIC served and reached; the handshake's time is
 * kept when it completes.
 */
@Singleton
public final class QuicProbe implements Probe<QuicEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("quic");

  static final int PORT = 443;

  private final Duration timeout;

  public QuicProbe(Duration timeout) {
    this.timeout = timeout;
  }

  @Inject
  public QuicProbe(ProbeConfig config) {
    this(config.timeout());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public Class<QuicEvidence> evidenceType() {
    return QuicEvidence.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  @Override
  public int order() {
    return 48;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  /** A QUIC server is asked for a site by its name: an address alone names none. */
  @Override
  public boolean needsName() {
    return true;
  }

  @Override
  public String unavailable(ProbeRequest request) {
    if (request.name() == null) {
      return "a bare address names no site: the QUIC probe sends a host's name as SNI";
    }
    if (!request.ports().contains(PORT)) {
      return "QUIC is probed on UDP 443, and the watch's ports leave 443 out";
    }
    return null;
  }

  @Override
  public QuicEvidence run(ProbeRequest request) throws IOException {
    return handshake(request.address(), request.name(), request.source());
  }

  /** One handshake with {@code name} at {@code address}, from {@code local} (null: any). */
  public QuicEvidence handshake(InetAddress address, String name, InetAddress local)
      throws IOException {
    InetSocketAddress server = new InetSocketAddress(address, PORT);
    CountingDatagramSocket[] socket = new CountingDatagramSocket[1];
    QuicClientConnection connection =
        QuicClientConnection.newBuilder()
            .host(name)
            .port(PORT)
            // Kwik resolves the host unless told where to go: the address probed, the name as SNI.
            .proxy(address.getHostAddress())
            .applicationProtocol("h3")
            // Whether QUIC gets through is the question, not whose certificate comes back (a
            // certificate is the TLS probe's business); kwik's noServerCertificateCheck() would
            // print a warning on standard out for every handshake.
            .customTrustManager(Connector.ANY_CERTIFICATE)
            .connectTimeout(timeout)
            .logger(new NullLogger())
            .socketFactory(destination -> socket[0] = new CountingDatagramSocket(local, server))
            .build();
    long start = System.nanoTime();
    try {
      connection.connect();
      long millis = (System.nanoTime() - start) / 1_000_000;
      return evidence(address, name, QuicEvidence.Outcome.HANDSHAKE, socket[0], millis, null);
    } catch (IOException | RuntimeException e) {
      CountingDatagramSocket s = socket[0];
      QuicEvidence.Outcome outcome =
          s != null && s.unreachable()
              ? QuicEvidence.Outcome.UNREACHABLE
              : s != null && s.received() > 0
                  ? QuicEvidence.Outcome.ANSWERED
                  : QuicEvidence.Outcome.SILENT;
      String error =
          e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      return evidence(address, name, outcome, s, -1, error);
    } finally {
      connection.close();
      if (socket[0] != null) {
        socket[0].close();
      }
    }
  }

  private static QuicEvidence evidence(
      InetAddress address,
      String name,
      QuicEvidence.Outcome outcome,
      CountingDatagramSocket socket,
      long handshakeMillis,
      String error) {
    return new QuicEvidence(
        address.getHostAddress(),
        PORT,
        name,
        outcome,
        socket == null ? 0 : socket.sent(),
        socket == null ? 0 : socket.received(),
        socket == null ? -1 : socket.firstAnswerMillis(),
        handshakeMillis,
        error);
  }

  @Override
  public Rendering render(QuicEvidence e) {
    String head =
        "QUIC Initial to "
            + e.address()
            + ":"
            + e.port()
            + " (SNI "
            + e.serverName()
            + ") → "
            + e.outcome().label()
            + (e.handshakeMillis() >= 0 ? " in " + e.handshakeMillis() + " ms" : "")
            + (e.error() != null && !e.reached() ? " (" + e.error() + ")" : "");
    String counts =
        e.sent()
            + " datagrams sent, "
            + e.received()
            + " back"
            + (e.firstAnswerMillis() >= 0
                ? ", the first after " + e.firstAnswerMillis() + " ms"
                : "");
    return new Rendering(
        e.outcome().label(),
        List.of(
            new Rendering.Line(head, e.reached() ? "answer" : "bad"),
            Rendering.Line.plain(counts)));
  }
}
