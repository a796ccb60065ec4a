package dev.detour.probe.http;

import dev.detour.probe.SocketDeadline;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Opens the probes' connections over plain sockets, so each stage is seen on its own: the TCP
 * connect (from a chosen source address, a tunnel's), the TLS handshake with the SNI of the probe's
 * choice, and the exchange after, bounded as a whole by a deadline so a peer that trickles cannot
 * hold a probe. Certificates are read, never trusted or refused: a probe observes.
 */
public final class Connector {

  private static final Pattern COMMON_NAME = Pattern.compile("CN=([^,]+)");

  private final Duration connectTimeout;
  private final Duration readTimeout;
  private final SSLContext tls = observingContext();

  public Connector(Duration connectTimeout, Duration readTimeout) {
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  public Duration readTimeout() {
    return readTimeout;
  }

  /** What a failed step makes of its stage and error. */
  public interface Failure<T> {
    T at(HttpStage stage, IOException e);
  }

  /** What is done on a connected socket, under the exchange's deadline. */
  public interface Exchange<T> {
    T run(Socket socket, SocketDeadline deadline) throws IOException;
  }

  /**
   * Connects (from {@code local}, within the connect timeout) and runs {@code exchange} on the
   * socket, read timeout set, the whole exchange bounded by {@code whole}; a connect that fails, or
   * an error the exchange lets out, is {@code failed}'s to say.
   */
  public <T> T connected(
      InetAddress address,
      int port,
      InetAddress local,
      Duration whole,
      Failure<T> failed,
      Exchange<T> exchange) {
    Socket socket = new Socket();
    try (socket;
        SocketDeadline deadline = SocketDeadline.closing(socket, whole)) {
      try {
        if (local != null) {
          socket.bind(new InetSocketAddress(local, 0));
        }
        socket.connect(new InetSocketAddress(address, port), (int) connectTimeout.toMillis());
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
   * The most one request may take, a slow peer's included: the connect, then twice the read timeout
   * for the handshake, the request and the answer.
   */
  public Duration whole() {
    return connectTimeout.plus(readTimeout.multipliedBy(2));
  }

  /** A TLS handshake on a connected socket, naming {@code serverName} in SNI (null: no SNI). */
  public SSLSocket handshake(Socket socket, String serverName) throws IOException {
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

  /** The SHA-256 of the certificate a handshake's peer presented first, in hex. */
  public static String fingerprint(SSLSocket ssl) throws IOException {
    try {
      X509Certificate certificate = (X509Certificate) ssl.getSession().getPeerCertificates()[0];
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (CertificateEncodingException | NoSuchAlgorithmException e) {
      throw new IOException("cannot read the peer's certificate: " + e.getMessage(), e);
    }
  }

  /**
   * Whether a certificate is for {@code name}: one of its DNS names (or, without any, its common
   * name) is the name, or a wildcard for the name's parent ({@code *.lab.test} covers {@code
   * s1.lab.test}, not {@code a.s1.lab.test}).
   */
  public static boolean covers(X509Certificate certificate, String name) {
    List<String> names = new ArrayList<>();
    try {
      var alternatives = certificate.getSubjectAlternativeNames();
      if (alternatives != null) {
        for (List<?> entry : alternatives) {
          if (entry.size() == 2 && Integer.valueOf(2).equals(entry.get(0))) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (CertificateParsingException unreadable) {
      // Read as having no alternative names: the common name decides.
    }
    if (names.isEmpty()) {
      String subject = certificate.getSubjectX500Principal().getName();
      Matcher cn = COMMON_NAME.matcher(subject);
      if (cn.find()) {
        names.add(cn.group(1));
      }
    }
    String asked = name.toLowerCase(Locale.ROOT);
    for (String n : names) {
      String one = n.toLowerCase(Locale.ROOT);
      if (one.equals(asked)) {
        return true;
      }
      int dot = asked.indexOf('.');
      if (one.startsWith("*.") && dot > 0 && one.substring(1).equals(asked.substring(dot))) {
        return true;
      }
    }
    return false;
  }

  static boolean isName(String serverName) {
    return !serverName.isEmpty()
        && !Character.isDigit(serverName.charAt(serverName.length() - 1))
        && serverName.indexOf(':') < 0;
  }

  public static HttpStage connectStage(IOException e) {
    if (e instanceof SocketTimeoutException) {
      return HttpStage.CONNECT_TIMEOUT;
    }
    if (e instanceof ConnectException && String.valueOf(e.getMessage()).contains("refused")) {
      return HttpStage.CONNECT_REFUSED;
    }
    return HttpStage.CONNECT_FAILED;
  }

  public static HttpStage tlsStage(IOException e) {
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

  public static String message(IOException e) {
    return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
  }

  public static long millisSince(long start) {
    return (System.nanoTime() - start) / 1_000_000;
  }

  /**
   * Takes every certificate: a probe records what the server showed (or, over QUIC, whether it
   * answered at all); it trusts nothing.
   */
  public static final X509TrustManager ANY_CERTIFICATE =
      new X509TrustManager() {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
          return new X509Certificate[0];
        }
      };

  /** Accepts any certificate: the probe records what the server showed, it trusts nothing. */
  private static SSLContext observingContext() {
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {ANY_CERTIFICATE}, null);
      return context;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("no TLS in this JVM", e);
    }
  }
}
