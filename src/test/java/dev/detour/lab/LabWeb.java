package dev.detour.lab;

import java.io.BufferedOutputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * The lab's web servers, run in {@code inet}: every address of the namespace answers HTTP on 80 and
 * HTTPS on 443 (self-signed) with a page naming the host, and the ISP block-page address answers
 * like {@code warning.rt.ru} did in the seed: a 302 to the warning page for any diverted request,
 * and the warning page itself.
 *
 * <p>A site's front page is as big as real ones are (about 200 KB, so a freeze after the first 16
 * KB and a crawl show), but {@code small.lab.test}'s (8 KB) and a page asked for by address (the
 * scale and soak benchmarks' thousands of watches). The parking address answers like a domain
 * parking service: its own page and its own certificate, on a public address no list knows.
 *
 * <p>The unlisted block page is another ISP's: a page of its own (200, "Ресурс заблокирован") on an
 * address no configured list names, so only a comparison with the control's page finds it.
 *
 * <p>Every role has an IPv6 address too (the servers listen on both families); the IPv6 block page
 * sends to the warning page's IPv6-only name.
 *
 * <p>Arguments: keystore, its password, the block-page address, the warning page's host name, the
 * parking address, its keystore (same password), the unlisted block page's address; then the IPv6
 * block-page address, the IPv6 warning host name, the IPv6 parking and unlisted addresses.
 */
public final class LabWeb {

  private LabWeb() {}

  /** What the lab's servers answer: a status, an optional Location, an HTML page. */
  record Answer(int status, String location, byte[] body) {
    Answer(int status, String location, String html) {
      this(status, location, html.getBytes(StandardCharsets.UTF_8));
    }
  }

  /**
   * The addresses that answer otherwise than a site: block pages and parking, of one family, as
   * {@link #canonical} spells them.
   */
  record Roles(String blockPage, String warningHost, String parking, String unlisted) {
    Roles {
      blockPage = canonical(blockPage);
      parking = canonical(parking);
      unlisted = canonical(unlisted);
    }
  }

  /** An address literal as the JDK prints a socket's address (IPv6 uncompressed, no scope). */
  static String canonical(String literal) {
    try {
      String a = InetAddress.getByName(literal).getHostAddress();
      int scope = a.indexOf('%');
      return scope < 0 ? a : a.substring(0, scope);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an address: " + literal, e);
    }
  }

  /** The roles of the local address's family. */
  static Roles roles(String local, Roles v4, Roles v6) {
    return local.indexOf(':') >= 0 ? v6 : v4;
  }

  /**
   * Front pages by address and host name, built once: hundreds of connections a freeze or a
   * throttle holds open share one copy of each page instead of holding one each.
   */
  private static final Map<String, byte[]> PAGES = new ConcurrentHashMap<>();

  /** The longest a connection is served: a frozen client must not hold a thread for minutes. */
  static final int CONNECTION_SECONDS = 15;

  public static void main(String[] args) throws Exception {
    Path keystore = Path.of(args[0]);
    char[] password = args[1].toCharArray();
    Roles roles4 = new Roles(args[2], args[3], args[4], args[6]);
    Roles roles6 = new Roles(args[7], args[8], args[9], args[10]);
    SSLContext parkingTls = tls(Path.of(args[5]), password);
    SSLContext labTls = tls(keystore, password);
    // Both are plain socket loops answering one request per connection, a thread each, so several
    // Detours probing at once never queue behind each other. The JDK's HttpServer was tried: its
    // HTTPS stalled seconds between keep-alive requests, and on a loaded machine its HTTP left a
    // request unanswered for over two seconds now and then while the TLS loop beside it answered
    // — a stall that reads as a censor's. TLS by hand after the TCP accept, so each address
    // presents its own certificate.
    serve(new ServerSocket(80, 512), "http", roles4, roles6, (plain, roles) -> plain);
    serve(
        new ServerSocket(443, 512),
        "https",
        roles4,
        roles6,
        (plain, roles) -> {
          SSLContext context =
              canonical(plain.getLocalAddress().getHostAddress()).equals(roles.parking())
                  ? parkingTls
                  : labTls;
          SSLSocket socket =
              (SSLSocket)
                  context
                      .getSocketFactory()
                      .createSocket(
                          plain, plain.getInetAddress().getHostAddress(), plain.getPort(), true);
          socket.setUseClientMode(false);
          return socket;
        });
    System.out.println("serving http :80 and https :443");
  }

  /** How an accepted connection is spoken to: as it is, or wrapped in TLS. */
  private interface Wrap {
    Socket wrap(Socket plain, Roles roles) throws IOException;
  }

  /** Accepts on {@code server} for ever, each connection served by a thread of its own. */
  private static void serve(
      ServerSocket server, String name, Roles roles4, Roles roles6, Wrap wrap) {
    ExecutorService workers = Executors.newCachedThreadPool();
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket plain = server.accept();
                  plain.setTcpNoDelay(true);
                  String local = canonical(plain.getLocalAddress().getHostAddress());
                  Roles roles = roles(local, roles4, roles6);
                  workers.execute(() -> respond(wrap, plain, local, roles));
                  // The longest a connection is served: a frozen client must not hold a thread.
                  CLOSER.schedule(() -> close(plain), CONNECTION_SECONDS, TimeUnit.SECONDS);
                } catch (IOException | RuntimeException | Error e) {
                  // Never let the acceptor die: a lab without a server reads as every site down.
                  System.err.println(name + " accept: " + e);
                }
              }
            },
            name + "-accept");
    acceptor.start();
  }

  private static final ScheduledExecutorService CLOSER =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "connection-deadline");
            t.setDaemon(true);
            return t;
          });

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException closed) {
      // Closed already.
    }
  }

  /** Reads one request on a connection and answers it: the head, then the page, in one write. */
  private static void respond(Wrap wrap, Socket plain, String local, Roles roles) {
    try (plain;
        Socket socket = wrap.wrap(plain, roles)) {
      socket.setSoTimeout(10_000);
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
      String requestLine = in.readLine();
      if (requestLine == null) {
        return;
      }
      String host = null;
      String line;
      int headers = 0;
      while ((line = in.readLine()) != null && !line.isEmpty() && headers++ < 100) {
        if (line.regionMatches(true, 0, "Host:", 0, 5)) {
          host = line.substring(5).strip();
        }
      }
      String[] parts = requestLine.split(" ");
      String path = parts.length > 1 ? parts[1] : "/";
      Answer answer = answer(local, host, path, roles);
      byte[] body = answer.body();
      StringBuilder head =
          new StringBuilder("HTTP/1.1 ")
              .append(answer.status())
              .append(answer.status() == 302 ? " Found" : " OK")
              .append("\r\nContent-Type: text/html; charset=utf-8\r\nServer: detour-lab\r\n")
              .append("Connection: close\r\nContent-Length: ")
              .append(body.length)
              .append("\r\n");
      if (answer.location() != null) {
        head.append("Location: ").append(answer.location()).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (!parts[0].equals("HEAD")) {
        out.write(body);
      }
      out.flush();
    } catch (IOException e) {
      // A client that resets or a censor that cut the connection: nothing to answer.
    }
  }

  private static SSLContext tls(Path keystore, char[] password) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, password);
    }
    KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keys.init(store, password);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys.getKeyManagers(), null, null);
    return context;
  }

  static Answer answer(String local, String hostHeader, String path, Roles roles) {
    String host = hostHeader == null ? local : hostHeader.replaceFirst(":\\d+$", "");
    String warningHost = roles.warningHost();
    if (local.equals(roles.blockPage()) && !host.equals(warningHost)) {
      String original = "http://" + host + path;
      String location =
          "http://"
              + warningHost
              + "/?id=9&st=0&dt="
              + host
              + "&rs="
              + URLEncoder.encode(original, StandardCharsets.UTF_8);
      return new Answer(302, location, "<html><head><title>302 Found</title></head></html>");
    }
    if (local.equals(roles.blockPage())) {
      return new Answer(
          200,
          null,
          "<html><head><title>Доступ ограничен</title></head><body><h1>Доступ к ресурсу"
              + " ограничен</h1><p>Ресурс заблокирован по решению органов государственной"
              + " власти.</p></body></html>");
    }
    if (local.equals(roles.unlisted())) {
      return new Answer(
          200,
          null,
          "<html><head><title>Ресурс заблокирован</title></head><body><h1>Ресурс "
              + host
              + " заблокирован</h1><p>Страница недоступна по требованию Роскомнадзора"
              + " (Федеральный закон № 149-ФЗ).</p></body></html>");
    }
    if (local.equals(roles.parking())) {
      return new Answer(
          200,
          null,
          "<html><head><title>This domain is parked</title></head><body><p>"
              + host
              + " may be for sale.</p></body></html>");
    }
    String head =
        "<html><head><title>"
            + host
            + " works</title></head><body><p>The lab's site "
            + host
            + " at "
            + local
            + "</p>";
    if (!named(host)) {
      // Asked for by address (the benchmarks' thousands of watches): a line, not kept.
      return new Answer(200, null, head + "</body></html>");
    }
    return new Answer(
        200,
        null,
        PAGES.computeIfAbsent(
            local + " " + host,
            k -> (head + filler(host) + "</body></html>").getBytes(StandardCharsets.UTF_8)));
  }

  private static boolean named(String host) {
    // An IPv6 address comes bracketed in a Host header ("[2001:db8::a]") and bare as a local one.
    return !host.isEmpty()
        && !Character.isDigit(host.charAt(host.length() - 1))
        && !host.startsWith("[")
        && host.indexOf(':') < 0;
  }

  /**
   * What makes a front page as big as a real one: about 200 KB for a site asked for by name, 8 KB
   * for {@code small.*}, none for an address.
   */
  static String filler(String host) {
    if (!named(host)) {
      return "";
    }
    int size = host.startsWith("small.") ? 8 * 1024 : 200 * 1024;
    StringBuilder s = new StringBuilder(size + 128);
    int n = 0;
    while (s.length() < size) {
      s.append("<p>Paragraph ")
          .append(n++)
          .append(
              " of the lab's front page: text as a page has"
                  + " it, so that a freeze after the first kilobytes and a crawl both show.</p>\n");
    }
    return s.toString();
  }
}
