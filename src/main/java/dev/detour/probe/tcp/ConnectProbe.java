package dev.detour.probe.tcp;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** TCP handshakes with ordinary sockets, for hosts where raw SYNs cannot be sent. */
@Singleton
public final class ConnectProbe implements Probe<ConnectEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("tcp_connect");

  private final Duration timeout;

  public ConnectProbe(Duration timeout) {
    this.timeout = timeout;
  }

  @Inject
  public ConnectProbe(ProbeConfig config) {
    this(config.timeout());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 30;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  @Override
  public Rendering render(ConnectEvidence e) {
    List<Rendering.Line> lines = new ArrayList<>();
    int connected = 0;
    for (ConnectEvidence.Attempt a : e.attempts()) {
      boolean ok = a.outcome() == ConnectEvidence.Outcome.CONNECTED;
      connected += ok ? 1 : 0;
      lines.add(
          new Rendering.Line(
              "port "
                  + a.port()
                  + ": "
                  + a.outcome().label()
                  + " in "
                  + a.millis()
                  + " ms"
                  + (a.error() != null ? " (" + a.error() + ")" : ""),
              ok ? "answer" : "bad"));
    }
    return new Rendering(connected + " of " + e.attempts().size() + " ports connected", lines);
  }

  @Override
  public Class<ConnectEvidence> evidenceType() {
    return ConnectEvidence.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  @Override
  public ConnectEvidence run(ProbeRequest request) {
    List<ConnectEvidence.Attempt> attempts = new ArrayList<>();
    for (int port : request.ports()) {
      long start = System.nanoTime();
      ConnectEvidence.Outcome outcome;
      String error = null;
      try (Socket socket = new Socket()) {
        if (request.source() != null) {
          socket.bind(new InetSocketAddress(request.source(), 0));
        }
        socket.connect(new InetSocketAddress(request.address(), port), (int) timeout.toMillis());
        outcome = ConnectEvidence.Outcome.CONNECTED;
      } catch (SocketTimeoutException e) {
        outcome = ConnectEvidence.Outcome.TIMEOUT;
      } catch (ConnectException e) {
        outcome =
            String.valueOf(e.getMessage()).contains("refused")
                ? ConnectEvidence.Outcome.REFUSED
                : ConnectEvidence.Outcome.FAILED;
        error = outcome == ConnectEvidence.Outcome.FAILED ? e.getMessage() : null;
      } catch (IOException e) {
        outcome = ConnectEvidence.Outcome.FAILED;
        error = e.getMessage();
      }
      attempts.add(
          new ConnectEvidence.Attempt(
              port, outcome, (System.nanoTime() - start) / 1_000_000, error));
    }
    return new ConnectEvidence(List.copyOf(attempts));
  }
}
