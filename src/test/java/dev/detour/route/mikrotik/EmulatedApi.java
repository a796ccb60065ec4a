package dev.detour.route.mikrotik;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLSocket;

/**
 * The emulated router's API protocol, as the RouterOS API manual describes it: {@code /login} (name
 * and password, or the MD5 challenge before 6.43), then {@code print} (with {@code =.proplist=} and
 * the manual's query words, {@link EmulatedQuery}), {@code add} ({@code !done =ret=*id}), {@code
 * set} and {@code remove} (of one id or a comma-separated list of them), {@code unset}. Every reply
 * sentence of a command that carries {@code .tag=} ends with the same {@code .tag=}. A refusal is
 * {@code !trap} with {@code =message=} and, where the manual's categories plainly fit, {@code
 * =category=}; a change to several ids that fails for more than one sends one {@code !trap} each,
 * then {@code !done}. From RouterOS 7.18 on (the router's version says which), a print that finds
 * nothing answers {@code !empty} before {@code !done}. An entry with a {@code .about} note shows it
 * in every {@code !re}, whatever {@code .proplist} asks for.
 *
 * <p>As RouterOS 7 it names a route's table as REST does. As RouterOS 6 routes have a {@code
 * routing-mark} instead of RouterOS 7's {@code routing-table}, none in the main table; {@code
 * /ipv6/route} has no table at all (the v6 manual lists no {@code routing-mark} there: IPv6 policy
 * routing came with RouterOS 7), and there is no WireGuard. Queries see what the client sees: a
 * RouterOS 6 route's {@code routing-mark}.
 *
 * <p>Its word codec is its own, not the one under test.
 */
final class EmulatedApi implements AutoCloseable {

  private static final int MAX_WORD = 1 << 20;

  private final RouterOsEmulator router;
  private final boolean tls;
  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread thread = new Thread(r, "emulated-api");
            thread.setDaemon(true);
            return thread;
          });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final AtomicInteger sessions = new AtomicInteger();

  EmulatedApi(RouterOsEmulator router, boolean tls) {
    this.router = router;
    this.tls = tls;
    try {
      server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    threads.submit(this::accept);
  }

  int port() {
    return server.getLocalPort();
  }

  void dropConnections() {
    for (Socket socket : open) {
      close(socket);
    }
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException e) {
      // Closed either way.
    }
    dropConnections();
    threads.shutdownNow();
  }

  private void accept() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        // A reply goes out word by word: without this, Nagle's algorithm and the client's delayed
        // ACK hold each reply back some 40 ms, and a bench measures the emulator's socket.
        socket.setTcpNoDelay(true);
        open.add(socket);
        threads.submit(() -> serve(socket));
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket plain) {
    boolean counted = false;
    try {
      plain.setSoTimeout(30_000);
      Socket socket = plain;
      if (tls) {
        SSLSocket secure =
            (SSLSocket)
                router
                    .sslContext()
                    .getSocketFactory()
                    .createSocket(plain, null, plain.getPort(), true);
        secure.setUseClientMode(false);
        secure.startHandshake();
        socket = secure;
      }
      DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      counted = true;
      if (sessions.incrementAndGet() > router.sessionLimit()) {
        reply(out, "!fatal", "too many sessions");
        return;
      }
      new Session(in, out).run();
    } catch (IOException e) {
      // The client has gone, or the router "rebooted".
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      if (counted) {
        sessions.decrementAndGet();
      }
      open.remove(plain);
      close(plain);
    }
  }

  /** One connection's sentences, until it ends. */
  private final class Session {
    private final DataInputStream in;
    private final OutputStream out;
    private boolean loggedIn;
    private byte[] challenge;
    private String tag;

    Session(DataInputStream in, OutputStream out) {
      this.in = in;
      this.out = out;
    }

    void run() throws IOException, InterruptedException {
      while (true) {
        List<String> words = readSentence(in);
        if (words.isEmpty()) {
          continue;
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        List<String> query = new ArrayList<>();
        tag = null;
        for (String word : words.subList(1, words.size())) {
          if (word.startsWith("=")) {
            String[] pair = word.substring(1).split("=", 2);
            attributes.put(pair[0], pair.length > 1 ? pair[1] : "");
          } else if (word.startsWith("?")) {
            query.add(word.substring(1));
          } else if (word.startsWith(".tag=")) {
            tag = word.substring(".tag=".length());
          }
        }
        String command = words.get(0);
        if (command.equals("/login")) {
          router.sawLogin();
          login(attributes);
          continue;
        }
        if (!loggedIn) {
          reply(out, "!fatal", "not logged in");
          return;
        }
        Thread.sleep(router.delay().toMillis());
        switch (router.nextFault()) {
          case FAIL -> {
            reply(out, "!fatal", "internal error");
            return;
          }
          case HOSTILE -> {
            out.write(new byte[] {(byte) 0xF0, 0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
            out.flush();
            in.read(); // holds the connection until the client gives up on it
            return;
          }
          default -> {}
        }
        if (command.equals("/quit")) {
          reply(out, "!fatal", "session terminated on request");
          return;
        }
        try {
          execute(command, attributes, new EmulatedQuery(query));
        } catch (RouterOsEmulator.Refusal refusal) {
          trap(refusal);
          send("!done");
        }
      }
    }

    /** A reply sentence, tagged as the command was. */
    private void send(String... words) throws IOException {
      if (tag == null) {
        reply(out, words);
      } else {
        String[] tagged = Arrays.copyOf(words, words.length + 1);
        tagged[words.length] = ".tag=" + tag;
        reply(out, tagged);
      }
    }

    /** {@code !trap}, with the manual's {@code =category=} where one of its categories fits. */
    private void trap(RouterOsEmulator.Refusal refusal) throws IOException {
      Integer category = category(refusal);
      if (category == null) {
        send("!trap", "=message=" + refusal.getMessage());
      } else {
        send("!trap", "=category=" + category, "=message=" + refusal.getMessage());
      }
    }

    private void login(Map<String, String> attributes) throws IOException {
      boolean ok;
      if (router.legacy()) {
        String response = attributes.get("response");
        if (response == null || challenge == null) {
          challenge = new byte[16];
          new SecureRandom().nextBytes(challenge);
          send("!done", "=ret=" + HexFormat.of().formatHex(challenge));
          return;
        }
        ok =
            router.checkLogin(attributes.get("name"), router.password())
                && response.equals("00" + md5(router.password(), challenge));
      } else {
        ok = router.checkLogin(attributes.get("name"), attributes.get("password"));
      }
      if (ok) {
        loggedIn = true;
        send("!done");
      } else {
        send("!trap", "=message=invalid user name or password (6)");
        send("!done");
      }
    }

    private void execute(String command, Map<String, String> attributes, EmulatedQuery query)
        throws IOException, RouterOsEmulator.Refusal {
      int slash = command.lastIndexOf('/');
      String menu = command.substring(1, Math.max(1, slash));
      String verb = command.substring(slash + 1);
      boolean six = router.routerOs6();
      if (six && menu.startsWith("interface/wireguard")) {
        throw new RouterOsEmulator.Refusal(false, "no such command prefix");
      }
      // RouterOS 7 speaks of routing-table itself: only RouterOS 6's routes are translated.
      boolean routes = six && menu.endsWith("/route");
      switch (verb) {
        case "print", "getall" -> {
          String proplist = attributes.get(".proplist");
          int shown = 0;
          for (Map<String, String> entry : router.print(menu, toSeven(routes, query.necessary()))) {
            Map<String, String> seen = routes ? toSix(menu, entry) : entry;
            if (!query.matches(seen)) {
              continue;
            }
            List<String> words = new ArrayList<>(List.of("!re"));
            for (Map.Entry<String, String> e : seen.entrySet()) {
              // .about is RouterOS's note on an entry, sent whatever .proplist asks for.
              if (proplist == null
                  || e.getKey().equals(".about")
                  || List.of(proplist.split(",")).contains(e.getKey())) {
                words.add("=" + e.getKey() + "=" + e.getValue());
              }
            }
            send(words.toArray(String[]::new));
            shown++;
          }
          if (shown == 0 && saysEmpty()) {
            send("!empty");
          }
          send("!done");
        }
        case "add" -> {
          refuseUnknown(menu, routes, attributes);
          String id = router.add(menu, toSeven(routes, attributes)).get(".id");
          send("!done", "=ret=" + id);
        }
        case "set", "remove" -> {
          if (verb.equals("set")) {
            refuseUnknown(menu, routes, attributes);
          }
          String ids = attributes.remove(".id");
          // Each item of an id list is its own change, and each refusal its own !trap.
          List<RouterOsEmulator.Refusal> refusals = new ArrayList<>();
          for (String id : (ids == null ? "" : ids).split(",", -1)) {
            try {
              if (verb.equals("set")) {
                router.set(menu, id, toSeven(routes, attributes));
              } else {
                router.remove(menu, id);
              }
            } catch (RouterOsEmulator.Refusal refusal) {
              refusals.add(refusal);
            }
          }
          for (RouterOsEmulator.Refusal refusal : refusals) {
            trap(refusal);
          }
          send("!done");
        }
        case "unset" -> {
          String name = attributes.getOrDefault("value-name", "");
          router.unset(
              menu,
              attributes.getOrDefault(".id", ""),
              routes && name.equals("routing-mark") ? "routing-table" : name);
          send("!done");
        }
        default -> throw new RouterOsEmulator.Refusal(false, "no such command");
      }
    }
  }

  /**
   * Whether a print that finds nothing answers {@code !empty} before {@code !done}, as RouterOS
   * does from 7.18 on (its changelog: "put !empty sentence when API query returns nothing").
   */
  private boolean saysEmpty() throws RouterOsEmulator.Refusal {
    String version = router.print("system/resource", Map.of()).get(0).get("version");
    Matcher release = Pattern.compile("^(\\d+)\\.(\\d+)").matcher(version);
    if (!release.find()) {
      return false;
    }
    int major = Integer.parseInt(release.group(1));
    return major > 7 || (major == 7 && Integer.parseInt(release.group(2)) >= 18);
  }

  /**
   * The API manual's trap category where one plainly fits: 0 for a missing item or command, 1 for
   * an argument's value; none for the rest (RouterOS sends it "on some occasions" only, and which
   * is not documented).
   */
  static Integer category(RouterOsEmulator.Refusal refusal) {
    String message = refusal.getMessage();
    if (refusal.notFound || message.startsWith("no such command")) {
      return 0;
    }
    if (message.startsWith("invalid value") || message.startsWith("input does not match")) {
      return 1;
    }
    return null;
  }

  /**
   * Refuses what RouterOS 6 has no such argument for: {@code routing-table} on a route, {@code
   * routing-mark} on an IPv6 one. The wording is RouterOS's answer as a client library's user
   * reported it ({@code unknown parameter}); whether RouterOS 6 adds the argument's name or a
   * {@code =category=} word is not documented, so neither is sent.
   */
  private static void refuseUnknown(String menu, boolean routes, Map<String, String> attributes)
      throws RouterOsEmulator.Refusal {
    if (routes
        && (attributes.containsKey("routing-table")
            || (menu.startsWith("ipv6/") && attributes.containsKey("routing-mark")))) {
      throw new RouterOsEmulator.Refusal(false, "unknown parameter");
    }
  }

  /** RouterOS 6's {@code routing-mark} as the emulator's {@code routing-table}. */
  private static Map<String, String> toSeven(boolean routes, Map<String, String> attributes) {
    if (!routes || !attributes.containsKey("routing-mark")) {
      return attributes;
    }
    Map<String, String> seven = new LinkedHashMap<>(attributes);
    seven.put("routing-table", seven.remove("routing-mark"));
    return seven;
  }

  /**
   * A route as RouterOS 6 shows it: {@code routing-mark}, none for the main table, none at all in
   * {@code /ipv6/route}.
   */
  private static Map<String, String> toSix(String menu, Map<String, String> entry) {
    Map<String, String> six = new LinkedHashMap<>(entry);
    String table = six.remove("routing-table");
    if (table != null && !table.equals("main") && !menu.startsWith("ipv6/")) {
      six.put("routing-mark", table);
    }
    return six;
  }

  private static String md5(String password, byte[] challenge) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update((byte) 0);
      md5.update(password.getBytes(StandardCharsets.UTF_8));
      md5.update(challenge);
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> readSentence(DataInputStream in) throws IOException {
    List<String> words = new ArrayList<>();
    for (int n = 0; n < 1000; n++) {
      int first = in.readUnsignedByte();
      int length;
      if ((first & 0x80) == 0) {
        length = first;
      } else if ((first & 0xC0) == 0x80) {
        length = ((first & 0x3F) << 8) | in.readUnsignedByte();
      } else if ((first & 0xE0) == 0xC0) {
        length = ((first & 0x1F) << 16) | in.readUnsignedShort();
      } else if ((first & 0xF0) == 0xE0) {
        length = ((first & 0x0F) << 24) | (in.readUnsignedByte() << 16) | in.readUnsignedShort();
      } else {
        throw new IOException("the emulator takes no words this long");
      }
      if (length == 0) {
        return words;
      }
      if (length > MAX_WORD) {
        throw new IOException("the emulator takes no words this long");
      }
      byte[] word = new byte[length];
      in.readFully(word);
      words.add(new String(word, StandardCharsets.UTF_8));
    }
    throw new IOException("the emulator takes no sentences this long");
  }

  private static void reply(OutputStream out, String... words) throws IOException {
    for (String word : words) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      int n = bytes.length;
      if (n < 0x80) {
        out.write(n);
      } else if (n < 0x4000) {
        out.write(0x80 | (n >> 8));
        out.write(n);
      } else if (n < 0x200000) {
        out.write(0xC0 | (n >> 16));
        out.write(n >> 8);
        out.write(n);
      } else {
        out.write(0xE0 | (n >> 24));
        out.write(n >> 16);
        out.write(n >> 8);
        out.write(n);
      }
      out.write(bytes);
    }
    out.write(0);
    out.flush();
  }

  private static void close(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Closed either way.
    }
  }
}
