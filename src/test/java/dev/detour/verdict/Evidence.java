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
import dev.detour.probe.transfer.TransferEvidence;
import dev.detour.probe.transfer.TransferProbe;
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
    return page(port, stage, status, location, "s1.lab.test works", blockPage, 100);
  }

  Evidence page(
      int port,
      HttpStage stage,
      Integer status,
      String location,
      String title,
      String blockPage,
      int bodyLength) {
    boolean answered = stage == HttpStage.RESPONSE;
    pages.add(
        new HttpEvidence(
            url(port),
            HOST,
            "s1.lab.test",
            stage,
            answered ? null : "reset",
            status,
            location,
            answered ? title : null,
            status == null ? null : bodyLength,
            Map.of(),
            blockPage,
            1,
            -1,
            1,
            answered ? (long) bodyLength + 200 : null,
            answered ? 5 : -1));
    return this;
  }

  /** A page whose first {@code received} bytes came, then nothing. */
  Evidence stalled(int port, long received) {
    pages.add(
        new HttpEvidence(
            url(port),
            HOST,
            "s1.lab.test",
            HttpStage.BODY_STALLED,
            "SocketTimeoutException: Read timed out",
            null,
            null,
            null,
            null,
            null,
            null,
            1,
            -1,
            1,
            received,
            -1));
    return this;
  }

  private static String url(int port) {
    return (port == 443 ? "https" : "http") + "://s1.lab.test:" + port + "/";
  }

  Evidence ok(int port) {
    return page(port, HttpStage.RESPONSE, 200, null, null);
  }

  Evidence tls(HttpStage target, HttpStage none, HttpStage decoy) {
    return tls(target, none, decoy, "CN=lab.test", "1ab", true);
  }

  /**
   * Handshakes whose certificate (when they complete) has this subject and SHA-256, and covers the
   * target's name or not.
   */
  Evidence tls(
      HttpStage target,
      HttpStage none,
      HttpStage decoy,
      String subject,
      String sha,
      boolean covers) {
    handshakes.add(handshake(TlsEvidence.Sni.TARGET, "s1.lab.test", target, subject, sha, covers));
    handshakes.add(handshake(TlsEvidence.Sni.NONE, null, none, subject, sha, null));
    handshakes.add(handshake(TlsEvidence.Sni.DECOY, "www.example.com", decoy, subject, sha, false));
    return this;
  }

  /**
   * The browser-shaped hellos naming the target: without ECH and with it, each passing or failing
   * at {@code stage} ({@code TLS_TIMEOUT}: silence, {@code TLS_RESET}: a reset).
   */
  Evidence shapes(HttpStage browser, HttpStage ech) {
    handshakes.add(shaped(TlsEvidence.Shape.BROWSER, browser));
    handshakes.add(shaped(TlsEvidence.Shape.BROWSER_ECH, ech));
    return this;
  }

  private static TlsEvidence shaped(TlsEvidence.Shape shape, HttpStage stage) {
    boolean done = stage == HttpStage.RESPONSE;
    return new TlsEvidence(
        TlsEvidence.Sni.TARGET,
        "s1.lab.test",
        stage,
        done ? null : stage == HttpStage.TLS_RESET ? "reset" : "no answer",
        null,
        null,
        5,
        null,
        null,
        shape);
  }

  /** A QUIC handshake to the target that ended so. */
  Evidence quic(dev.detour.probe.quic.QuicEvidence.Outcome outcome) {
    boolean reached =
        outcome == dev.detour.probe.quic.QuicEvidence.Outcome.HANDSHAKE
            || outcome == dev.detour.probe.quic.QuicEvidence.Outcome.ANSWERED;
    results.add(
        ok(
            dev.detour.probe.quic.QuicProbe.KIND,
            new dev.detour.probe.quic.QuicEvidence(
                "198.18.0.1",
                443,
                "s1.lab.test",
                outcome,
                reached ? 2 : 3,
                reached ? 4 : 0,
                reached ? 3 : -1,
                outcome == dev.detour.probe.quic.QuicEvidence.Outcome.HANDSHAKE ? 7 : -1,
                reached ? null : "no answer")));
    return this;
  }

  private static TlsEvidence handshake(
      TlsEvidence.Sni sni,
      String name,
      HttpStage stage,
      String subject,
      String sha,
      Boolean covers) {
    boolean done = stage == HttpStage.RESPONSE;
    return new TlsEvidence(
        sni,
        name,
        stage,
        done ? null : "reset",
        done ? "TLSv1.3" : null,
        done ? subject : null,
        5,
        done ? sha : null,
        done ? covers : null);
  }

  // ------------------------------------------------------------------ transfer

  /**
   * A transfer of {@code bytes} that ended so in {@code millis}, evenly: its curve a straight line
   * to where it ended, flat after for a freeze.
   */
  Evidence transfer(TransferEvidence.End end, long bytes, long millis) {
    int step = 100;
    List<Long> curve = new ArrayList<>();
    boolean stopped = end == TransferEvidence.End.STALLED || end == TransferEvidence.End.RESET;
    long flowing = stopped ? Math.max(step, millis - 2000) : millis;
    for (long t = step; t <= millis; t += step) {
      curve.add(Math.min(bytes, bytes * t / flowing));
    }
    long goodput =
        stopped || end == TransferEvidence.End.FAILED
            ? -1
            : (long) (bytes * 8 / (Math.max(millis, step) / 1000.0));
    results.add(
        ok(
            TransferProbe.KIND,
            new TransferEvidence(
                "https://s1.lab.test:443/",
                HOST,
                "s1.lab.test",
                bytes > 0 ? HttpStage.RESPONSE : HttpStage.CONNECT_TIMEOUT,
                stopped ? "nothing came for 2000 ms" : null,
                bytes > 0 ? 200 : null,
                end,
                bytes,
                bytes > 0 ? 5 : -1,
                millis,
                stopped ? bytes : -1,
                goodput,
                step,
                curve)));
    return this;
  }

  /** A transfer with this very curve (bytes by the end of each 100 ms), which flowed to the end. */
  Evidence transferCurve(TransferEvidence.End end, List<Long> curve, long goodput) {
    long bytes = curve.isEmpty() ? 0 : curve.get(curve.size() - 1);
    results.add(
        ok(
            TransferProbe.KIND,
            new TransferEvidence(
                "https://s1.lab.test:443/",
                HOST,
                "s1.lab.test",
                HttpStage.RESPONSE,
                null,
                200,
                end,
                bytes,
                5,
                curve.size() * 100L,
                -1,
                goodput,
                100,
                List.copyOf(curve))));
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
