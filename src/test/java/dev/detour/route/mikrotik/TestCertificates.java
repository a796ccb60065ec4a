package dev.detour.route.mikrotik;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Certificates the emulated router presents, made once per test run with the JDK's keytool: a test
 * CA and a router certificate it signed, and a second, self-signed router certificate (the
 * "changed" one). Both are for {@code router.example}, never for 127.0.0.1, as on a router whose
 * certificate was made for another name.
 */
final class TestCertificates {

  private static final String STOREPASS = "changeit";
  private static final Map<Path, SSLContext> CONTEXTS = new HashMap<>();
  private static Path dir;

  private TestCertificates() {}

  /** The PKCS#12 keystore of the CA-signed router certificate. */
  static Path router() {
    return dir().resolve("router.p12");
  }

  /** The PKCS#12 keystore of the other, self-signed certificate. */
  static Path other() {
    return dir().resolve("other.p12");
  }

  /** The test CA's certificate, PEM: a {@code ca-file}. */
  static Path caPem() {
    return dir().resolve("ca.pem");
  }

  /** The self-signed certificate, PEM: a {@code ca-file} that trusts only it. */
  static Path otherPem() {
    return dir().resolve("other.pem");
  }

  /** The hex SHA-256 of the certificate in a keystore: its {@code certificate-sha256}. */
  static String sha256(Path keystore) {
    try {
      X509Certificate certificate =
          (X509Certificate) load(keystore).getCertificate(alias(keystore));
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A server-side TLS context presenting the certificate in {@code keystore}. */
  static synchronized SSLContext serverContext(Path keystore) {
    return CONTEXTS.computeIfAbsent(keystore, TestCertificates::newServerContext);
  }

  private static SSLContext newServerContext(Path keystore) {
    try {
      KeyManagerFactory keys = KeyManagerFactory.getInstance("PKIX");
      keys.init(load(keystore), STOREPASS.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String alias(Path keystore) {
    return keystore.getFileName().toString().replace(".p12", "");
  }

  private static KeyStore load(Path keystore) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, STOREPASS.toCharArray());
      return store;
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized Path dir() {
    if (dir == null) {
      try {
        Path made = Files.createTempDirectory("detour-router-tls");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> delete(made)));
        generate(made);
        dir = made;
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return dir;
  }

  private static void generate(Path d) throws IOException {
    keypair(d, "ca", "CN=Detour Test CA", "-ext", "bc:c");
    keytool(d, "-exportcert", "-rfc", "-alias", "ca", "-keystore", "ca.p12", "-file", "ca.pem");
    keypair(d, "router", "CN=router.example");
    keytool(d, "-certreq", "-alias", "router", "-keystore", "router.p12", "-file", "router.csr");
    keytool(
        d,
        "-gencert",
        "-rfc",
        "-alias",
        "ca",
        "-keystore",
        "ca.p12",
        "-infile",
        "router.csr",
        "-outfile",
        "router.pem",
        "-validity",
        "3650");
    keytool(
        d,
        "-importcert",
        "-noprompt",
        "-alias",
        "ca",
        "-keystore",
        "router.p12",
        "-file",
        "ca.pem");
    keytool(d, "-importcert", "-alias", "router", "-keystore", "router.p12", "-file", "router.pem");
    keypair(d, "other", "CN=router.example");
    keytool(
        d,
        "-exportcert",
        "-rfc",
        "-alias",
        "other",
        "-keystore",
        "other.p12",
        "-file",
        "other.pem");
  }

  private static void keypair(Path d, String alias, String name, String... more)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                name,
                "-validity",
                "3650",
                "-keystore",
                alias + ".p12"));
    args.addAll(List.of(more));
    keytool(d, args.toArray(String[]::new));
  }

  private static void keytool(Path d, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.addAll(List.of(args));
    command.addAll(List.of("-storetype", "PKCS12", "-storepass", STOREPASS));
    Process process =
        new ProcessBuilder(command).directory(d.toFile()).redirectErrorStream(true).start();
    try {
      process.getOutputStream().close();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void delete(Path d) {
    try (Stream<Path> files = Files.walk(d)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // A temporary directory left behind.
    }
  }
}
