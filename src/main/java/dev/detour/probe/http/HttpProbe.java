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
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
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
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * HTTP and HTTPS over plain sockets, so every stage is seen on its own — connect, TLS handshake
 * (with the target's name in SNI, none, or a decoy), the request, the answer — and a reset is told
 * from a timeout. Certificates are read, never trusted or refused: a probe observes.
 */
@Singleton
public final class HttpProbe implements Probe<WebEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("http");

  private static final int MAX_BODY = 256 * 1024;
  private static final List<String> KEPT_HEADERS =
      List.of("server", "content-type", "location", "content-length", "set-cookie");
  private static final Pattern TITLE =
      Pattern.compile("<title[^>]*>(.*?)</title>", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final BlockPages blockPages;
  private final SSLContext tls;

  public HttpProbe(Duration connectTimeout, Duration readTimeout, BlockPages blockPages) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
    this.blockPages = blockPages;
    this.tls = observingContext();
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
      s.append(" · connect ")
          .append(p.connectMillis())
          .append(" ms, first byte ")
          .append(p.firstByteMillis())
          .append(" ms");
      boolean bad = p.blockPage() != null || p.error() != null;
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
    return connected(
        address,
        port,
        local,
        (stage, e) -> failure(url, address, serverName, stage, e, times[0], times[1]),
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
    Socket channel = socket;
    if (https) {
      long tlsStart = System.nanoTime();
      try {
        channel = handshake(socket, serverName);
      } catch (IOException e) {
        IOException told = deadline.explain(e);
        return failure(url, address, serverName, tlsStage(told), told, connected, -1);
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
    try {
      OutputStream out = channel.getOutputStream();
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
            tlsDone);
      }
      firstByte = millisSince(sent);
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      all.write(first);
      byte[] buffer = new byte[8192];
      int n;
      try {
        while (all.size() < MAX_BODY && (n = in.read(buffer)) > 0) {
          all.write(buffer, 0, n);
        }
      } catch (IOException e) {
        if (!deadline.passed()) {
          throw e;
        }
        // Still trickling at the deadline: what came is the answer (its head, at least).
      }
      answer = all.toByteArray();
    } catch (IOException e) {
      IOException told = deadline.explain(e);
      HttpStage stage =
          told instanceof SocketTimeoutException
              ? HttpStage.REQUEST_TIMEOUT
              : HttpStage.REQUEST_RESET;
      return failure(url, address, serverName, stage, told, connected, tlsDone);
    }
    return parse(url, address, serverName, host, answer, connected, tlsDone, firstByte);
  }

  /** A TLS handshake alone, with the chosen SNI. */
  public TlsEvidence handshake(
      InetAddress address, int port, TlsEvidence.Sni sni, String name, InetAddress local) {
    String sent = sni == TlsEvidence.Sni.NONE ? null : name;
    return connected(
        address,
        port,
        local,
        (stage, e) -> new TlsEvidence(sni, sent, stage, message(e), null, null, -1),
        (socket, deadline) -> {
          long start = System.nanoTime();
          try (SSLSocket ssl = handshake(socket, sent)) {
            X509Certificate certificate =
                (X509Certificate) ssl.getSession().getPeerCertificates()[0];
            return new TlsEvidence(
                sni,
                sent,
                HttpStage.RESPONSE,
                null,
                ssl.getSession().getProtocol(),
                certificate.getSubjectX500Principal().getName(),
                millisSince(start));
          } catch (IOException e) {
            IOException told = deadline.explain(e);
            return new TlsEvidence(
                sni, sent, tlsStage(told), message(told), null, null, millisSince(start));
          }
        });
  }

  /** What a failed step makes of its stage and error. */
  private interface Failure<T> {
    T at(HttpStage stage, IOException e);
  }

  /** What is done on a connected socket, under the exchange's whole deadline. */
  private interface Exchange<T> {
    T run(Socket socket, SocketDeadline deadline) throws IOException;
  }

  /**
   * Connects (from {@code local}, within the connect timeout) and runs {@code exchange} on the
   * socket, read timeout set, the whole exchange bounded by {@link #whole()}; a connect that fails,
   * or an error the exchange lets out, is {@code failed}'s to say.
   */
  private <T> T connected(
      InetAddress address, int port, InetAddress local, Failure<T> failed, Exchange<T> exchange) {
    Socket socket = new Socket();
    try (socket;
        SocketDeadline deadline = SocketDeadline.closing(socket, whole())) {
      try {
        connect(socket, address, port, local);
      } catch (IOException e) {
        return failed.at(connectStage(e), e);
      }
      socket.setSoTimeout((int) readTimeout.toMillis());
      return exchange.run(socket, deadline);
    } catch (IOException e) {
      return failed.at(HttpStage.CONNECT_FAILED, e);
    }
  }

  /**
   * The most one exchange may take, a slow peer's included: the connect, then twice the read
   * timeout for the handshake, the request and the answer.
   */
  private Duration whole() {
    return connectTimeout.plus(readTimeout.multipliedBy(2));
  }

  private void connect(Socket socket, InetAddress address, int port, InetAddress local)
      throws IOException {
    if (local != null) {
      socket.bind(new InetSocketAddress(local, 0));
    }
    socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
  }

  private SSLSocket handshake(Socket socket, String serverName) throws IOException {
    SSLSocket ssl =
        (SSLSocket)
            tls.getSocketFactory()
                .createSocket(
                    socket,
                    serverName != null ? serverName : socket.getInetAddress().getHostAddress(),
                    socket.getPort(),
                    false);
    SSLParameters parameters = ssl.getSSLParameters();
    parameters.setServerNames(
        serverName == null || !isName(serverName)
            ? List.of()
            : List.of(new SNIHostName(serverName)));
    ssl.setSSLParameters(parameters);
    ssl.startHandshake();
    return ssl;
  }

  private static boolean isName(String serverName) {
    return !serverName.isEmpty()
        && !Character.isDigit(serverName.charAt(serverName.length() - 1))
        && serverName.indexOf(':') < 0;
  }

  private HttpEvidence parse(
      String url,
      InetAddress address,
      String serverName,
      String host,
      byte[] answer,
      long connected,
      long tlsDone,
      long firstByte) {
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
        status == null ? "the answer is not HTTP" : null,
        status,
        location,
        titleText,
        body.getBytes(StandardCharsets.UTF_8).length,
        Map.copyOf(headers),
        blockPage,
        connected,
        tlsDone,
        firstByte);
  }

  private static HttpEvidence failure(
      String url,
      InetAddress address,
      String serverName,
      HttpStage stage,
      IOException e,
      long connected,
      long tlsDone) {
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
        -1);
  }

  private static HttpStage connectStage(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return HttpStage.CONNECT_TIMEOUT;
    }
    if (e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
      return HttpStage.CONNECT_REFUSED;
    }
    return HttpStage.CONNECT_FAILED;
  }

  private static HttpStage tlsStage(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return HttpStage.TLS_TIMEOUT;
    }
    String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    if (e instanceof SocketException
        || text.contains("reset")
        || text.contains("remote host terminated")
        || text.contains("broken pipe")) {
      return HttpStage.TLS_RESET;
    }
    return HttpStage.TLS_FAILED;
  }

  private static String message(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  private static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /** Accepts any certificate: the probe records what the server showed, it trusts nothing. */
  private static SSLContext observingContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(
          null,
          new TrustManager[] {
            new X509TrustManager() {
              @Override
              public void checkClientTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public void checkServerTrusted(X509Certificate[] chain, String authType) {}

              @Override
              public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
              }
            }
          },
          null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }
}
