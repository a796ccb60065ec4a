package dev.detour.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;

/**
 * The lab's web servers, run in {@code inet}: every address of the namespace answers HTTP on 80 and
 * HTTPS on 443 (self-signed) with a page naming the host, and the ISP block-page address answers
 * like {@code warning.rt.ru} did in the seed: a 302 to the warning page for any diverted request,
 * and the warning page itself.
 *
 * <p>Arguments: keystore, its password, the block-page address, the warning page's host name.
 */
public final class LabWeb {

  private LabWeb() {}

  /** What the lab's servers answer: a status, an optional Location, an HTML page. */
  record Answer(int status, String location, String html) {}

  public static void main(String[] args) throws Exception {
    Path keystore = Path.of(args[0]);
    char[] password = args[1].toCharArray();
    String blockPage = args[2];
    String warningHost = args[3];

    HttpServer http = HttpServer.create(new InetSocketAddress(80), 512);
    http.createContext(
        "/",
        exchange -> {
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String local = exchange.getLocalAddress().getAddress().getHostAddress();
            Answer answer =
                answer(
                    local,
                    exchange.getRequestHeaders().getFirst("Host"),
                    exchange.getRequestURI().toString(),
                    blockPage,
                    warningHost);
            send(exchange, answer);
          }
        });
    http.setExecutor(Executors.newCachedThreadPool());
    http.start();
    // HTTPS is a plain TLS socket loop answering one request per connection: the JDK's
    // HttpsServer stalls seconds between keep-alive requests, which would look like a slow site.
    SSLServerSocket tls =
        (SSLServerSocket)
            tls(keystore, password).getServerSocketFactory().createServerSocket(443, 512);
    // A thread per connection: several Detours probing at once must never queue behind each other.
    ExecutorService workers = Executors.newCachedThreadPool();
    Thread acceptor =
        new Thread(
            () -> {
              while (true) {
                try {
                  Socket socket = tls.accept();
                  workers.execute(() -> serveTls(socket, blockPage, warningHost));
                } catch (IOException e) {
                  System.err.println("accept: " + e);
                }
              }
            },
            "tls-accept");
    acceptor.start();
    System.out.println("serving http :80 and https :443");
  }

  private static void serveTls(Socket socket, String blockPage, String warningHost) {
    try (socket) {
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
      Answer answer =
          answer(socket.getLocalAddress().getHostAddress(), host, path, blockPage, warningHost);
      byte[] body = answer.html().getBytes(StandardCharsets.UTF_8);
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
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
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

  static Answer answer(
      String local, String hostHeader, String path, String blockPage, String warningHost) {
    String host = hostHeader == null ? local : hostHeader.replaceFirst(":\\d+$", "");
    if (local.equals(blockPage) && !host.equals(warningHost)) {
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
    if (local.equals(blockPage)) {
      return new Answer(
          200,
          null,
          "<html><head><title>Доступ ограничен</title></head><body><h1>Доступ к ресурсу"
              + " ограничен</h1><p>Ресурс заблокирован по решению органов государственной"
              + " власти.</p></body></html>");
    }
    return new Answer(
        200,
        null,
        "<html><head><title>"
            + host
            + " works</title></head><body><p>The lab's site "
            + host
            + " at "
            + local
            + "</p></body></html>");
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] body = answer.html().getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Server", "detour-lab");
    if (answer.location() != null) {
      exchange.getResponseHeaders().set("Location", answer.location());
    }
    exchange.sendResponseHeaders(answer.status(), body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
