package dev.detour.verdict;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeResult;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsEvidence;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpProbe;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsEvidence;
import dev.detour.probe.http.TlsHandshakes;
import dev.detour.probe.http.TlsProbe;
import dev.detour.probe.http.WebEvidence;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.PacketView;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynEvidence;
import dev.detour.probe.tcp.SynProbe;
import dev.detour.probe.tcp.TcpSynEvidence;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the evidence the probes would have produced, packet by packet, the way the seed's tcpdump
 * lines read: host 198.18.0.1 three hops away (TTL 61), the censor's resets from six (TTL 58).
 */
final class Evidence {

  static final String HOST = "198.18.0.1";
  static final String HOME = "198.51.100.2";
  static final long SEQ = 1_000_000L;

  private final List<ProbeResult> results = new ArrayList<>();
  private final List<SynEvidence> syns = new ArrayList<>();
  private final List<HttpEvidence> pages = new ArrayList<>();
  private final List<TlsEvidence> handshakes = new ArrayList<>();

  static Evidence of() {
    return new Evidence();
  }

  // ------------------------------------------------------------------ TCP

  static PacketView sent(SynShape shape, int port) {
    return packet(0, HOME, HOST, 64, 7, true, shape.length(), 61001, port, "S", SEQ, 0, 64240);
  }

  static PacketView synAck(int port, int ttl) {
    return packet(1000, HOST, HOME, ttl, 0, true, 60, port, 61001, "S.", 555, SEQ + 1, 65160);
  }

  /** A reset as the host sends it for a closed port: RST+ACK acknowledging the SYN. */
  static PacketView hostReset(int port, int ttl) {
    return packet(1000, HOST, HOME, ttl, 0, true, 40, port, 61001, "R.", 0, SEQ + 1, 0);
  }

  /** The seed's forged reset: no ACK, seq 0, IP-ID 1, no DF. */
  static PacketView seedReset(int port, int ttl) {
    return packet(500, HOST, HOME, ttl, 1, false, 40, port, 61001, "R", 0, 0, 0);
  }

  private static PacketView packet(
      long nanos,
      String from,
      String to,
      int ttl,
      int ipId,
      boolean df,
      int length,
      int sourcePort,
      int destinationPort,
      String flags,
      long seq,
      long ack,
      int window) {
    return new PacketView(
        nanos,
        from,
        to,
        ttl,
        ipId,
        df,
        0,
        length,
        6,
        new PacketView.Tcp(sourcePort, destinationPort, flags, seq, ack, window, List.of(), 0),
        null,
        null);
  }

  Evidence syn(SynShape shape, int port, SynAnswer answer, PacketView... answers) {
    syns.add(
        new SynEvidence(
            shape,
            port,
            sent(shape, port),
            List.of(answers),
            answer,
            answers.length > 0 ? 900 : -1));
    return this;
  }

  /** Both shapes to a port answered the same way. */
  Evidence port(int port, SynAnswer answer, PacketView... answers) {
    return syn(SynShape.BARE, port, answer, answers).syn(SynShape.LINUX, port, answer, answers);
  }

  Evidence open(int port) {
    return port(port, SynAnswer.SYN_ACK, synAck(port, 61));
  }

  Evidence silent(int port) {
    return port(port, SynAnswer.TIMEOUT);
  }

  // ------------------------------------------------------------------ ICMP

  Evidence echo(int ttl) {
    PacketView reply =
        new PacketView(
            0, HOST, HOME, ttl, 9, false, 0, 84, 1, null, new PacketView.Icmp(0, 0, 7, 0), null);
    results.add(
        ok(
            IcmpProbe.KIND,
            new IcmpEvidence(
                HOST,
                3,
                List.of(new IcmpEvidence.Reply(0, 900, ttl, 9, reply)),
                List.of(),
                64 - ttl)));
    return this;
  }

  Evidence noEcho() {
    results.add(ok(IcmpProbe.KIND, new IcmpEvidence(HOST, 3, List.of(), List.of(), -1)));
    return this;
  }

  // ------------------------------------------------------------------ HTTP, TLS

  Evidence page(int port, HttpStage stage, Integer status, String location, String blockPage) {
    pages.add(
        new HttpEvidence(
            (port == 443 ? "https" : "http") + "://s1.lab.test:" + port + "/",
            HOST,
            "s1.lab.test",
            stage,
            stage == HttpStage.RESPONSE ? null : "reset",
            status,
            location,
            null,
            status == null ? null : 100,
            Map.of(),
            blockPage,
            1,
            -1,
            1));
    return this;
  }

  Evidence ok(int port) {
    return page(port, HttpStage.RESPONSE, 200, null, null);
  }

  Evidence tls(HttpStage target, HttpStage none, HttpStage decoy) {
    handshakes.add(
        new TlsEvidence(TlsEvidence.Sni.TARGET, "s1.lab.test", target, null, null, null, 5));
    handshakes.add(new TlsEvidence(TlsEvidence.Sni.NONE, null, none, null, null, null, 5));
    handshakes.add(
        new TlsEvidence(TlsEvidence.Sni.DECOY, "www.example.com", decoy, null, null, null, 5));
    return this;
  }

  Observation observation() {
    List<ProbeResult> all = new ArrayList<>(results);
    if (!syns.isEmpty()) {
      all.add(ok(SynProbe.KIND, new TcpSynEvidence(List.copyOf(syns))));
    }
    if (!pages.isEmpty()) {
      all.add(ok(HttpProbe.KIND, new WebEvidence(List.copyOf(pages))));
    }
    if (!handshakes.isEmpty()) {
      all.add(ok(TlsProbe.KIND, new TlsHandshakes(List.copyOf(handshakes))));
    }
    return new Observation(all);
  }

  static ProbeResult ok(ProbeKind kind, dev.detour.probe.Evidence evidence) {
    return new ProbeResult(kind, ProbeResult.Status.OK, null, 1, evidence, null);
  }

  // ------------------------------------------------------------------ DNS

  static DnsAnswers dns(String rcode, List<String> addresses, List<String> blockPages) {
    return new DnsAnswers(
        List.of(
            new DnsEvidence(
                "s1.lab.test",
                "A",
                "198.51.100.6:53",
                rcode,
                addresses,
                List.of(),
                blockPages,
                3,
                null)));
  }
}
