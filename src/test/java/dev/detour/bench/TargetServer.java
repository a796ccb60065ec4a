package dev.detour.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The benchmark's web server: answers every address of the targets' namespace (a local route sends
 * the whole benchmarking prefix to it) with a small 200 page, so HTTP probes of Detour and of
 * blackbox_exporter fetch the same thing, on several ports so that scans can be larger than the
 * prefix. Usage: {@code TargetServer <first port> <ports> <threads>}.
 */
public final class TargetServer {

  private TargetServer() {}

  public static void main(String[] args) throws Exception {
    int first = Integer.parseInt(args[0]);
    int ports = Integer.parseInt(args[1]);
    java.util.concurrent.ExecutorService pool =
        Executors.newFixedThreadPool(Integer.parseInt(args[2]));
    byte[] page =
        "<html><head><title>bench target</title></head><body>ok</body></html>\n"
            .getBytes(StandardCharsets.UTF_8);
    for (int port = first; port < first + ports; port++) {
      serve(port, pool, page);
    }
    System.out.println("listening on " + first + "+" + ports);
  }

  private static void serve(int port, java.util.concurrent.ExecutorService pool, byte[] page)
      throws java.io.IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 4096);
    server.setExecutor(pool);
    server.createContext(
        "/",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          exchange.getResponseHeaders().add("Content-Type", "text/html; charset=utf-8");
          exchange.sendResponseHeaders(200, page.length);
          exchange.getResponseBody().write(page);
          exchange.close();
        });
    server.start();
  }
}
