package dev.detour.probe.tcp;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
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
public final class ConnectProbe implements Probe {

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
    return ProbeKind.TCP_CONNECT;
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
