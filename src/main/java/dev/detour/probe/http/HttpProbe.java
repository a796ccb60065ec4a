package dev.detour.probe.http;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.ProbeThreads;
import dev.detour.probe.Rendering;
import dev.detour.probe.SocketDeadline;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * HTTP and HTTPS over plain sockets, so every stage is seen on its own — connect, TLS handshake
 * (with the target's name in SNI, none, or a decoy), the request, the answer — and a reset is told
 * from a timeout. Certificates are read, never trusted or refused: a probe observes.
 */
@Singleton
public final class HttpProbe implements Probe<WebEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("http");

  /**
   * The most of an answer read, head and body: a block page, a title and a freeze after 16–20 KB
   * all show within it, and every round reads it on each port from both vantages (docs/probes.md
   * has the cost). A page longer than this is cut and compared as at least this long.
   */
  private static final int MAX_BODY = 32 * 1024;

  private static final List<String> KEPT_HEADERS =
      List.of("server", "content-type", "location", "content-length", "set-cookie");
  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final Connector connector;
  private final BlockPages blockPages;

  public HttpProbe(Duration connectTimeout, Duration readTimeout, BlockPages blockPages) {
    this.connector = new Connector(connectTimeout, readTimeout);
    this.blockPages = blockPages;
  }

  @Inject
  public HttpProbe(ProbeConfig config) {
    this(
        config.timeout(),
        config.timeout(),
        new BlockPages(config.blockPageHosts(), config.blockPageFingerprints()));
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public int order() {
    return 40;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  @Override
  public Rendering render(WebEvidence e) {
    List<Rendering.Line> lines = new ArrayList<>();
    String last = "";
    for (HttpEvidence p : e.pages()) {
      StringBuilder s = new StringBuilder("GET ").append(p.url());
      if (p.address() != null) {
        s.append(" @").append(p.address());
      }
      s.append(" → ");
      if (p.status() != null) {
        s.append(p.status());
      } else {
        s.append(p.stage() == null ? "" : p.stage().label())
            .append(' ')
            .append(p.error() == null ? "" : p.error());
      }
      if (p.location() != null) {
        s.append(" Location: ").append(p.location());
      }
      if (p.title() != null) {
        s.append(" «").append(p.title()).append('»');
      }
      if (p.received() != null) {
        s.append(String.format(Locale.ROOT, " · %,d bytes", p.received()));
      }
      if (p.cut()) {
        s.append(" (").append(p.error()).append(')');
      }
      s.append(" · connect ")
          .append(p.connectMillis())
          .append(" ms, first byte ")
          .append(p.firstByteMillis())
          .append(" ms");
      boolean bad = p.blockPage() != null || (p.error() != null && !p.cut());
      if (p.blockPage() != null) {
        s.append(" · block page: ").append(p.blockPage());
      }
      lines.add(new Rendering.Line(s.toString(), bad ? "bad" : "answer"));
      last = p.status() != null ? "HTTP " + p.status() : p.error() == null ? "" : p.error();
    }
    return new Rendering(
        e.pages().size() + " requests" + (last.isEmpty() ? "" : ", last: " + last), lines);
  }

  @Override
  public Class<WebEvidence> evidenceType() {
    return WebEvidence.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  /** GET / on every port of the watch at once: HTTPS on 443, HTTP elsewhere. */
  @Override
  public WebEvidence run(ProbeRequest request) throws IOException {
    List<ProbeThreads.Part<HttpEvidence>> pages = new java.util.ArrayList<>();
    for (int port : request.ports()) {
      pages.add(
          () -> get(request.address(), port, port == 443, request.name(), "/", request.source()));
    }
    return new WebEvidence(ProbeThreads.all(pages));
  }

  /**
   * @param address where to connect
   * @param serverName Host header and SNI, or null to use the address
   * @param local the source address to send from (a tunnel's), or null
   */
  public HttpEvidence get(
      InetAddress address,
      int port,
      boolean https,
      String serverName,
      String path,
      InetAddress local) {
    String host = serverName != null ? serverName : address.getHostAddress();
    String url = (https ? "https://" : "http://") + host + ":" + port + path;
    long start = System.nanoTime();
    // Each step's time, for a failure after it: connected, TLS done.
    long[] times = {-1, -1};
    return connector.connected(
        address,
        port,
        local,
        connector.whole(),
        (stage, e) -> failure(url, address, serverName, stage, e, times[0], times[1], null),
        (socket, deadline) -> {
          times[0] = millisSince(start);
          return exchange(socket, deadline, https, url, address, serverName, host, path, times);
        });
  }

  /** The request and its answer on a connected socket (after a TLS handshake for https). */
  private HttpEvidence exchange(
      Socket socket,
      SocketDeadline deadline,
      boolean https,
      String url,
      InetAddress address,
      String serverName,
      String host,
      String path,
      long[] times) {
    long connected = times[0];
    long tlsDone = -1;
    CountedSocket wire;
    try {
      wire = new CountedSocket(socket);
    } catch (IOException e) {
      return failure(url, address, serverName, HttpStage.CONNECT_FAILED, e, connected, -1, null);
    }
    Socket channel = wire;
    if (https) {
      long tlsStart = System.nanoTime();
      try {
        channel = connector.handshake(wire, serverName);
      } catch (IOException e) {
        IOException told = deadline.explain(e);
        return failure(
            url, address, serverName, Connector.tlsStage(told), told, connected, -1, null);
      }
      tlsDone = millisSince(tlsStart);
      times[1] = tlsDone;
    }
    String request =
        "GET "
            + path
            + " HTTP/1.1\r\nHost: "
            + host
            + "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Detour\r\nAccept: */*\r\n"
            + "Connection: close\r\n\r\n";
    long sent = System.nanoTime();
    byte[] answer;
    long firstByte;
    String cut = null;
    long answered;
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    try {
      OutputStream out = channel.getOutputStream();
      wire.mark();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = channel.getInputStream();
      int first = in.read();
      if (first < 0) {
        return failure(
            url,
            address,
            serverName,
            HttpStage.REQUEST_RESET,
            new IOException("closed without an answer"),
            connected,
            tlsDone,
            null);
      }
      firstByte = millisSince(sent);
      all.write(first);
      byte[] buffer = new byte[8192];
      int n;
      try {
        while (all.size() < MAX_BODY && (n = in.read(buffer)) > 0) {
          all.write(buffer, 0, n);
        }
        cut = all.size() >= MAX_BODY ? HttpEvidence.CUT_AT_LIMIT : null;
      } catch (IOException e) {
        if (!deadline.passed()) {
          throw e;
        }
        // Still trickling at the deadline: what came is the answer (its head, at least).
        cut = HttpEvidence.CUT_AT_DEADLINE;
      }
      answer = all.toByteArray();
      answered = millisSince(sent);
    } catch (IOException e) {
      IOException told = deadline.explain(e);
      boolean timeout = told instanceof SocketTimeoutException;
      // Bytes came, then nothing: the answer froze (a censor letting the first kilobytes pass) —
      // counted on the wire, as the censor counts, since a freeze inside TLS's first record
      // decrypts nothing.
      long came = wire.sinceMark();
      HttpStage stage =
          timeout && came > 0
              ? HttpStage.BODY_STALLED
              : timeout ? HttpStage.REQUEST_TIMEOUT : HttpStage.REQUEST_RESET;
      return failure(
          url, address, serverName, stage, told, connected, tlsDone, came > 0 ? came : null);
    }
    return parse(
        url,
        address,
        serverName,
        host,
        answer,
        wire.sinceMark(),
        cut,
        connected,
        tlsDone,
        new long[] {firstByte, answered});
  }

  /** How this probe connects: its timeouts, for the TLS probe's hellos. */
  Connector connector() {
    return connector;
  }

  /** A TLS handshake alone, with the chosen SNI. */
  public TlsEvidence handshake(
      InetAddress address, int port, TlsEvidence.Sni sni, String name, InetAddress local) {
    String sent = sni == TlsEvidence.Sni.NONE ? null : name;
    return connector.connected(
        address,
        port,
        local,
        connector.whole(),
        (stage, e) -> new TlsEvidence(sni, sent, stage, message(e), null, null, -1, null, null),
        (socket, deadline) -> {
          long start = System.nanoTime();
          try (SSLSocket ssl = connector.handshake(socket, sent)) {
            X509Certificate certificate =
                (X509Certificate) ssl.getSession().getPeerCertificates()[0];
            return new TlsEvidence(
                sni,
                sent,
                HttpStage.RESPONSE,
                null,
                ssl.getSession().getProtocol(),
                certificate.getSubjectX500Principal().getName(),
                millisSince(start),
                Connector.fingerprint(ssl),
                sent == null ? null : Connector.covers(certificate, sent));
          } catch (IOException e) {
            IOException told = deadline.explain(e);
            return new TlsEvidence(
                sni,
                sent,
                Connector.tlsStage(told),
                message(told),
                null,
                null,
                millisSince(start),
                null,
                null);
          }
        });
  }

  private HttpEvidence parse(
      String url,
      InetAddress address,
      String serverName,
      String host,
      byte[] answer,
      long received,
      String cut,
      long connected,
      long tlsDone,
      long[] answerTimes) {
    String text = new String(answer, StandardCharsets.UTF_8);
    int headEnd = text.indexOf("\r\n\r\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    String body = headEnd < 0 ? "" : text.substring(headEnd + 4);
    String[] lines = head.split("\r\n");
    Integer status = null;
    String[] statusLine = lines[0].split(" ");
    if (statusLine.length >= 2 && statusLine[0].startsWith("HTTP/")) {
      try {
        status = Integer.valueOf(statusLine[1]);
      } catch (NumberFormatException notHttp) {
        status = null;
      }
    }
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      if (colon > 0) {
        String name = lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT);
        if (KEPT_HEADERS.contains(name)) {
          headers.putIfAbsent(name, lines[i].substring(colon + 1).strip());
        }
      }
    }
    Matcher title = TITLE.matcher(body);
    String titleText = title.find() ? title.group(1).strip() : null;
    String location = headers.get("location");
    String blockPage = blockPages.match(host.toLowerCase(Locale.ROOT), location, titleText, body);
    return new HttpEvidence(
        url,
        address.getHostAddress(),
        serverName,
        status == null ? HttpStage.REQUEST_RESET : HttpStage.RESPONSE,
        status == null ? "the answer is not HTTP" : cut,
        status,
        location,
        titleText,
        body.getBytes(StandardCharsets.UTF_8).length,
        Map.copyOf(headers),
        blockPage,
        connected,
        tlsDone,
        answerTimes[0],
        received,
        answerTimes[1]);
  }

  private static HttpEvidence failure(
      String url,
      InetAddress address,
      String serverName,
      HttpStage stage,
      IOException e,
      long connected,
      long tlsDone,
      Long received) {
    return new HttpEvidence(
        url,
        address.getHostAddress(),
        serverName,
        stage,
        message(e),
        null,
        null,
        null,
        null,
        null,
        null,
        connected,
        tlsDone,
        -1,
        received,
        -1);
  }

  private static String message(IOException e) {
    return Connector.message(e);
  }

  private static long millisSince(long start) {
    return Connector.millisSince(start);
  }
}
