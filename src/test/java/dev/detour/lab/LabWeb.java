package dev.detour.lab;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.Executors;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

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

  public static void main(String[] args) throws Exception {
    Path keystore = Path.of(args[0]);
    char[] password = args[1].toCharArray();
    String blockPage = args[2];
    String warningHost = args[3];

    HttpServer http = HttpServer.create(new InetSocketAddress(80), 512);
    HttpsServer https = HttpsServer.create(new InetSocketAddress(443), 512);
    https.setHttpsConfigurator(new HttpsConfigurator(tls(keystore, password)));
    for (HttpServer server : new HttpServer[] {http, https}) {
      server.createContext("/", exchange -> answer(exchange, blockPage, warningHost));
      server.setExecutor(Executors.newFixedThreadPool(16));
      server.start();
    }
    System.out.println("serving http :80 and https :443");
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

  private static void answer(HttpExchange exchange, String blockPage, String warningHost)
      throws IOException {
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String local = exchange.getLocalAddress().getAddress().getHostAddress();
      String host = exchange.getRequestHeaders().getFirst("Host");
      host = host == null ? local : host.replaceFirst(":\\d+$", "");
      String path = exchange.getRequestURI().toString();
      if (local.equals(blockPage) && !host.equals(warningHost)) {
        String original = "http://" + host + path;
        String location =
            "http://"
                + warningHost
                + "/?id=9&st=0&dt="
                + host
                + "&rs="
                + URLEncoder.encode(original, StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Location", location);
        send(exchange, 302, "<html><head><title>302 Found</title></head></html>");
      } else if (local.equals(blockPage)) {
        send(
            exchange,
            200,
            "<html><head><title>Доступ ограничен</title></head><body><h1>Доступ к ресурсу"
                + " ограничен</h1><p>Ресурс заблокирован по решению органов государственной"
                + " власти.</p></body></html>");
      } else {
        send(
            exchange,
            200,
            "<html><head><title>"
                + host
                + " works</title></head><body><p>The lab's site "
                + host
                + " at "
                + local
                + "</p></body></html>");
      }
    }
  }

  private static void send(HttpExchange exchange, int status, String html) throws IOException {
    byte[] body = html.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
    exchange.getResponseHeaders().set("Server", "detour-lab");
    exchange.sendResponseHeaders(status, body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
