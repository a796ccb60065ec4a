package dev.detour.verdict;

import dev.detour.probe.Evidence;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsEvidence;
import dev.detour.probe.http.TlsHandshakes;
import dev.detour.probe.http.WebEvidence;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.tcp.ConnectEvidence;
import dev.detour.probe.tcp.TcpSynEvidence;
import java.util.List;
import java.util.Optional;

/** What one vantage's probes of one address saw in one round, read by kind. */
public record Observation(List<ProbeResult> results) {

  private <T extends Evidence> Optional<T> evidence(Class<T> type) {
    return results.stream()
        .filter(r -> r.status() == ProbeResult.Status.OK && type.isInstance(r.evidence()))
        .map(r -> type.cast(r.evidence()))
        .findFirst();
  }

  public Optional<IcmpEvidence> icmp() {
    return evidence(IcmpEvidence.class);
  }

  public Optional<TcpSynEvidence> syn() {
    return evidence(TcpSynEvidence.class);
  }

  public Optional<ConnectEvidence> connect() {
    return evidence(ConnectEvidence.class);
  }

  public Optional<WebEvidence> web() {
    return evidence(WebEvidence.class);
  }

  public Optional<TlsHandshakes> tls() {
    return evidence(TlsHandshakes.class);
  }

  public Optional<DnsAnswers> dns() {
    return evidence(DnsAnswers.class);
  }

  /** Whether any probe ran at all (one that could not run tells nothing). */
  public boolean ran() {
    return results.stream().anyMatch(r -> r.status() == ProbeResult.Status.OK);
  }

  public boolean echoAnswered() {
    return icmp().map(i -> !i.replies().isEmpty()).orElse(false);
  }

  /** The HTTP(S) exchange on a port, if one ran. */
  public Optional<HttpEvidence> page(int port) {
    return web().flatMap(w -> w.pages().stream().filter(p -> port(p) == port).findFirst());
  }

  /** The TLS handshake with one choice of SNI, if it ran. */
  public Optional<TlsEvidence> handshake(TlsEvidence.Sni sni) {
    return tls().flatMap(t -> t.handshakes().stream().filter(h -> h.sni() == sni).findFirst());
  }

  /** Whether a complete, genuine HTTP answer came back on any port (not a block page). */
  public boolean anyPage() {
    return web()
        .map(
            w ->
                w.pages().stream()
                    .anyMatch(p -> p.stage() == HttpStage.RESPONSE && p.blockPage() == null))
        .orElse(false);
  }

  static int port(HttpEvidence page) {
    String url = page.url();
    int colon = url.lastIndexOf(':');
    int slash = url.indexOf('/', colon);
    return Integer.parseInt(url.substring(colon + 1, slash < 0 ? url.length() : slash));
  }
}
