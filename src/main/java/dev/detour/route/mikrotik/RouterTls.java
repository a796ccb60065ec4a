package dev.detour.route.mikrotik;

import dev.detour.route.RouterException;
import dev.detour.route.RouterSettings;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.HexFormat;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificate a RouterOS router may present, the same for REST (HTTPS) and the API protocol
 * (port 8729). The check runs inside the TLS handshake, so a router that fails it never sees the
 * user name or password.
 *
 * <ul>
 *   <li>{@code certificate-sha256}: only the certificate whose DER encoding has that SHA-256 is
 *       accepted — also when it has expired, since it is exactly the one the user pinned.
 *   <li>{@code ca-file}: the certificate must chain to a certificate in that PEM file (a CA, or the
 *       router's self-signed certificate itself), and nothing the JVM trusts otherwise counts.
 *   <li>both: both must hold. Neither: the JVM's own trust store and hostname check.
 * </ul>
 *
 * <p>With a pin or a CA file the host name is not checked: a router's certificate is usually made
 * on the router for a name or an address other than the one Detour connects to, and the pin or the
 * private CA already say which router it is.
 */
final class RouterTls {

  private final SSLContext context;
  private final boolean checksHostname;

  private RouterTls(SSLContext context, boolean checksHostname) {
    this.context = context;
    this.checksHostname = checksHostname;
  }

  /**
   * @throws RouterException {@link RouterException.Kind#CERTIFICATE} when the CA file cannot be
   *     read
   */
  static RouterTls of(RouterSettings settings) throws RouterException {
    if (settings.caFile() == null && settings.certificateSha256() == null) {
      try {
        return new RouterTls(SSLContext.getDefault(), true);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("this JVM has no TLS", e);
      }
    }
    X509TrustManager ca = settings.caFile() == null ? null : caTrust(settings);
    byte[] pin =
        settings.certificateSha256() == null
            ? null
            : parsePin(settings.name(), settings.certificateSha256());
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, new TrustManager[] {new RouterTrustManager(ca, pin)}, null);
      return new RouterTls(context, false);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no TLS", e);
    }
  }

  SSLContext context() {
    return context;
  }

  /**
   * Runs the TLS handshake on a connected socket (the API protocol's port 8729).
   *
   * @throws IOException as the handshake fails; see {@link #rejectedCertificate}
   */
  SSLSocket handshake(Socket plain, String host, int port) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, host, port, true);
    if (checksHostname) {
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      socket.setSSLParameters(parameters);
    }
    socket.startHandshake();
    return socket;
  }

  /**
   * Whether a failure is the router's certificate being refused (not the one configured, not
   * trusted, or for another host name) rather than the connection failing.
   */
  static boolean rejectedCertificate(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CertificateException) {
        return true;
      }
    }
    return false;
  }

  /** The SHA-256 of a certificate's DER encoding: what {@code certificate-sha256} names. */
  private static byte[] digest(X509Certificate certificate) throws CertificateException {
    try {
      return MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }

  private static byte[] parsePin(String router, String hex) throws RouterException {
    if (!hex.matches("[0-9a-fA-F]{64}")) {
      throw new RouterException(
          RouterException.Kind.CERTIFICATE,
          "router " + router + ": certificate-sha256 is not 64 hex digits");
    }
    return HexFormat.of().parseHex(hex);
  }

  private static X509TrustManager caTrust(RouterSettings settings) throws RouterException {
    String what = "router " + settings.name() + ": ca-file " + settings.caFile();
    try (InputStream in = Files.newInputStream(settings.caFile())) {
      Collection<? extends Certificate> certificates =
          CertificateFactory.getInstance("X.509").generateCertificates(in);
      if (certificates.isEmpty()) {
        throw new RouterException(
            RouterException.Kind.CERTIFICATE, what + " holds no PEM certificate");
      }
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      int i = 0;
      for (Certificate certificate : certificates) {
        store.setCertificateEntry("ca-" + i++, certificate);
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager manager : factory.getTrustManagers()) {
        if (manager instanceof X509TrustManager x509) {
          return x509;
        }
      }
      throw new IllegalStateException("this JVM has no X.509 trust manager");
    } catch (IOException | GeneralSecurityException e) {
      throw new RouterException(
          RouterException.Kind.CERTIFICATE, what + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the pin and the CA, and nothing else: being an {@link X509ExtendedTrustManager}, JSSE
   * leaves the host name to it, and it does not check it.
   */
  private static final class RouterTrustManager extends X509ExtendedTrustManager {

    private final X509TrustManager ca;
    private final byte[] pin;

    RouterTrustManager(X509TrustManager ca, byte[] pin) {
      this.ca = ca;
      this.pin = pin;
    }

    private void check(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) {
        throw new CertificateException("the router sent no certificate");
      }
      if (pin != null) {
        byte[] actual = digest(chain[0]);
        if (!MessageDigest.isEqual(pin, actual)) {
          throw new CertificateException(
              "the router's certificate has SHA-256 "
                  + HexFormat.of().formatHex(actual)
                  + ", not the configured certificate-sha256");
        }
      }
      if (ca != null) {
        try {
          ca.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
          throw new CertificateException(
              "the router's certificate does not chain to the ca-file: " + e.getMessage(), e);
        }
      }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      check(chain, authType);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws CertificateException {
      throw new CertificateException("Detour is no TLS server for routers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
        throws CertificateException {
      throw new CertificateException("Detour is no TLS server for routers");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
        throws CertificateException {
      throw new CertificateException("Detour is no TLS server for routers");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return ca == null ? new X509Certificate[0] : ca.getAcceptedIssuers();
    }
  }
}
