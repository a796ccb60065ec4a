package dev.detour.route.mikrotik;

import dev.detour.route.RouterException;
import dev.detour.route.RouterException.Kind;
import dev.detour.route.RouterSettings;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One logged-in connection to RouterOS's API protocol (port 8728, or 8729 with TLS): the word and
 * sentence codec, the login and one command at a time.
 *
 * <p>The codec is written here rather than taken from a library. The protocol is a few small,
 * documented rules — a word is a length of one to five bytes and then that many bytes, a sentence
 * ends with an empty word, a reply is {@code !re} sentences closed by {@code !done}, with {@code
 * !trap} and {@code !fatal} for failures — while the Java clients on Maven Central are small
 * projects, several unmaintained, that would add a dependency for a hundred lines, and none both
 * bounds what a broken or hostile peer can make it read and checks a pinned certificate. This one
 * refuses a word over {@link #MAX_WORD} bytes, a sentence over {@link #MAX_WORDS} words and a reply
 * over its cap as soon as a length says so, before reading it, and gives every command, reply
 * included, the router's timeout.
 *
 * <p>Words are UTF-8. Not thread-safe: its backend holds its own lock around it.
 */
final class ApiConnection implements Closeable {

  /** The longest word read. */
  static final int MAX_WORD = 16 << 20;

  /** The most words in one sentence read. */
  static final int MAX_WORDS = 10_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private final String router;
  private final long timeoutNanos;
  private long deadline;
  private boolean closed;

  private ApiConnection(Socket socket, RouterSettings settings) throws IOException {
    this.socket = socket;
    this.in = new DeadlineInput(new BufferedInputStream(socket.getInputStream()));
    this.out = new BufferedOutputStream(socket.getOutputStream());
    this.router = "router " + settings.name();
    this.timeoutNanos = settings.timeout().toNanos();
  }

  /** Connects, runs the TLS handshake when configured, and logs in. */
  static ApiConnection open(RouterSettings settings) throws RouterException {
    String router = "router " + settings.name();
    String where = settings.host() + ":" + settings.port();
    int timeout = millis(settings.timeout().toNanos());
    RouterTls tls = settings.tls() ? RouterTls.of(settings) : null;
    Socket socket = new Socket();
    try {
      try {
        socket.connect(new InetSocketAddress(settings.host(), settings.port()), timeout);
        socket.setSoTimeout(timeout);
        socket.setTcpNoDelay(true);
      } catch (SocketTimeoutException e) {
        throw new RouterException(
            Kind.UNREACHABLE,
            router + ": no connection to " + where + " in " + settings.timeout(),
            e);
      } catch (IOException e) {
        throw new RouterException(
            Kind.UNREACHABLE, router + ": cannot connect to " + where + ": " + e.getMessage(), e);
      }
      if (tls != null) {
        try {
          socket = tls.handshake(socket, settings.host(), settings.port());
        } catch (SocketTimeoutException e) {
          throw new RouterException(
              Kind.TIMEOUT, router + ": no TLS handshake in " + settings.timeout(), e);
        } catch (IOException e) {
          throw new RouterException(
              RouterTls.rejectedCertificate(e) ? Kind.CERTIFICATE : Kind.UNREACHABLE,
              router + ": TLS with " + where + " failed: " + RouterOsBackend.innermost(e),
              e);
        }
      }
      ApiConnection connection;
      try {
        connection = new ApiConnection(socket, settings);
      } catch (IOException e) {
        throw new RouterException(Kind.UNREACHABLE, router + ": " + e.getMessage(), e);
      }
      connection.login(settings.username(), settings.password());
      return connection;
    } catch (RouterException e) {
      closeQuietly(socket);
      throw e;
    }
  }

  /**
   * Sends one command and reads its reply to the end, handing each {@code !re} to {@code rows}.
   * Returns the attributes of {@code !done} (e.g. {@code ret}, the id of an added entry).
   *
   * <p>Replies as the API manual has them: {@code !empty} (RouterOS 7.18 and later, for a print
   * that finds nothing) is no row, a row's {@code .about} note is left out, and every {@code !trap}
   * before {@code !done} goes into one {@link RouterException}, its kind from their {@code
   * =category=} and {@code =message=} ({@link #trapKind(List)}). A {@code !trap} leaves the
   * connection usable; anything else that fails closes it.
   *
   * @param cap the most bytes the reply may take
   */
  Map<String, String> command(List<String> sentence, int cap, RouterOsBackend.RowSink rows)
      throws RouterException {
    String what = router + ": " + sentence.get(0);
    if (closed) {
      throw new RouterException(Kind.UNREACHABLE, what + ": the connection is closed");
    }
    deadline = System.nanoTime() + timeoutNanos;
    List<Map<String, String>> traps = new ArrayList<>();
    Map<String, String> done = null;
    try {
      writeSentence(out, sentence);
      out.flush();
      Budget budget = new Budget(cap);
      while (done == null) {
        List<String> words = readSentence(in, budget);
        if (words.isEmpty()) {
          continue;
        }
        switch (words.get(0)) {
          case "!re" -> {
            if (traps.isEmpty()) {
              Map<String, String> row = attributes(words);
              // RouterOS's note on an entry (e.g. why it is invalid), not one of its attributes.
              row.remove(".about");
              rows.accept(row);
            }
          }
          case "!trap" -> traps.add(attributes(words));
          case "!done" -> done = attributes(words);
          case "!fatal" -> {
            String reason = words.size() > 1 ? words.get(1).replaceFirst("^=message=", "") : "";
            throw new RouterException(
                reason.toLowerCase(Locale.ROOT).contains("too many") ? Kind.BUSY : Kind.UNREACHABLE,
                what + ": the router ended the session: " + reason);
          }
          case "!empty" -> {
            // RouterOS 7.18 and later say so when a print finds nothing.
          }
          default -> throw new ProtocolException("unknown reply " + abbreviate(words.get(0)));
        }
      }
    } catch (RouterException e) {
      close();
      throw e;
    } catch (SocketTimeoutException e) {
      close();
      throw new RouterException(Kind.TIMEOUT, what + ": no answer in time", e);
    } catch (ProtocolException e) {
      close();
      throw new RouterException(Kind.PROTOCOL, what + ": " + e.getMessage(), e);
    } catch (EOFException e) {
      close();
      throw new RouterException(Kind.UNREACHABLE, what + ": the router closed the connection", e);
    } catch (IOException e) {
      close();
      throw new RouterException(Kind.UNREACHABLE, what + ": " + RouterOsBackend.innermost(e), e);
    }
    if (!traps.isEmpty()) {
      List<String> messages = new ArrayList<>();
      traps.forEach(trap -> messages.add(trap.getOrDefault("message", "failure")));
      throw new RouterException(
          trapKind(traps), what + ": " + abbreviate(String.join("; ", messages)));
    }
    return done;
  }

  boolean isClosed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(socket);
  }

  /**
   * {@code /login} with name and password (RouterOS 6.43 and later); a router that answers with a
   * challenge instead gets the older MD5 response.
   */
  private void login(String user, String password) throws RouterException {
    try {
      Map<String, String> done =
          command(
              List.of("/login", "=name=" + user, "=password=" + password),
              RouterOsBackend.ANSWER_CAP,
              row -> {});
      String challenge = done.get("ret");
      if (challenge != null) {
        command(
            List.of("/login", "=name=" + user, "=response=00" + response(password, challenge)),
            RouterOsBackend.ANSWER_CAP,
            row -> {});
      }
    } catch (RouterException e) {
      if (e.onlyThisChange()) {
        throw new RouterException(Kind.AUTH, e.getMessage(), e);
      }
      throw e;
    }
  }

  /** MD5 of a zero byte, the password and the challenge's bytes, in hex. */
  private String response(String password, String challenge) throws RouterException {
    byte[] bytes;
    try {
      bytes = HexFormat.of().parseHex(challenge);
    } catch (IllegalArgumentException e) {
      close();
      throw new RouterException(Kind.PROTOCOL, router + ": /login: the challenge is no hex");
    }
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update((byte) 0);
      md5.update(password.getBytes(StandardCharsets.UTF_8));
      md5.update(bytes);
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no MD5", e);
    }
  }

  /**
   * What the {@code !trap} sentences of one reply mean for a sync: {@link Kind#NOT_FOUND} only when
   * every one is about something missing, else what the first other one means.
   */
  static Kind trapKind(List<Map<String, String>> traps) {
    for (Map<String, String> trap : traps) {
      Kind kind =
          "0".equals(trap.get("category"))
              ? Kind.NOT_FOUND
              : trapKind(trap.getOrDefault("message", "failure"));
      if (kind != Kind.NOT_FOUND) {
        return kind;
      }
    }
    return Kind.NOT_FOUND;
  }

  /** What a {@code !trap} message means for a sync. */
  static Kind trapKind(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    if (m.contains("no such item") || m.contains("no such command")) {
      return Kind.NOT_FOUND;
    }
    if (m.contains("invalid user name or password")
        || m.contains("cannot log in")
        || m.contains("not logged in")
        || m.contains("not enough permissions")) {
      return Kind.AUTH;
    }
    if (m.contains("too many")) {
      return Kind.BUSY;
    }
    return Kind.REJECTED;
  }

  /** {@code =key=value} words as a map; other words ({@code .tag=}, the reply word) left out. */
  static Map<String, String> attributes(List<String> words) {
    Map<String, String> attributes = new HashMap<>();
    for (String word : words) {
      if (word.startsWith("=")) {
        int equals = word.indexOf('=', 1);
        if (equals < 0) {
          attributes.put(word.substring(1), "");
        } else {
          attributes.put(word.substring(1, equals), word.substring(equals + 1));
        }
      }
    }
    return attributes;
  }

  /** Writes the words and the empty word that ends the sentence. */
  static void writeSentence(OutputStream out, List<String> words) throws IOException {
    for (String word : words) {
      byte[] bytes = word.getBytes(StandardCharsets.UTF_8);
      writeLength(out, bytes.length);
      out.write(bytes);
    }
    writeLength(out, 0);
  }

  /**
   * Reads one sentence (its words, without the empty word that ends it), taking every byte from
   * {@code budget}.
   *
   * @throws ProtocolException when a word, the sentence or the reply is too long, before reading it
   */
  static List<String> readSentence(InputStream in, Budget budget) throws IOException {
    List<String> words = new ArrayList<>();
    while (true) {
      budget.take(1);
      long length = readLength(in);
      if (length == 0) {
        return words;
      }
      if (words.size() == MAX_WORDS) {
        throw new ProtocolException("a sentence of more than " + MAX_WORDS + " words");
      }
      if (length > MAX_WORD) {
        throw new ProtocolException("a word of " + length + " bytes");
      }
      budget.take(length);
      byte[] word = in.readNBytes((int) length);
      if (word.length < length) {
        throw new EOFException();
      }
      words.add(new String(word, StandardCharsets.UTF_8));
    }
  }

  /**
   * A word's length: one byte below 0x80, two with the 0x80 bit set below 0x4000, three with 0xC0
   * below 0x200000, four with 0xE0 below 0x10000000, else 0xF0 and four bytes.
   */
  static void writeLength(OutputStream out, long length) throws IOException {
    if (length < 0 || length > 0xFFFFFFFFL) {
      throw new IllegalArgumentException("no word is " + length + " bytes long");
    }
    if (length < 0x80) {
      out.write((int) length);
    } else if (length < 0x4000) {
      writeBigEndian(out, length | 0x8000, 2);
    } else if (length < 0x200000) {
      writeBigEndian(out, length | 0xC00000, 3);
    } else if (length < 0x10000000) {
      writeBigEndian(out, length | 0xE0000000L, 4);
    } else {
      out.write(0xF0);
      writeBigEndian(out, length, 4);
    }
  }

  /**
   * The length {@link #writeLength} writes.
   *
   * @throws ProtocolException for a first byte from 0xF1 up (0xF8 and up are control bytes)
   */
  static long readLength(InputStream in) throws IOException {
    int first = readByte(in);
    if (first < 0x80) {
      return first;
    }
    if (first < 0xC0) {
      return readBigEndian(in, first & 0x3F, 1);
    }
    if (first < 0xE0) {
      return readBigEndian(in, first & 0x1F, 2);
    }
    if (first < 0xF0) {
      return readBigEndian(in, first & 0x0F, 3);
    }
    if (first == 0xF0) {
      return readBigEndian(in, 0, 4);
    }
    throw new ProtocolException(String.format("control byte 0x%02X where a length belongs", first));
  }

  private static void writeBigEndian(OutputStream out, long value, int bytes) throws IOException {
    for (int shift = 8 * (bytes - 1); shift >= 0; shift -= 8) {
      out.write((int) (value >>> shift) & 0xFF);
    }
  }

  private static long readBigEndian(InputStream in, long high, int bytes) throws IOException {
    long value = high;
    for (int i = 0; i < bytes; i++) {
      value = (value << 8) | readByte(in);
    }
    return value;
  }

  private static int readByte(InputStream in) throws IOException {
    int b = in.read();
    if (b < 0) {
      throw new EOFException();
    }
    return b;
  }

  private static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "…" : text;
  }

  private static int millis(long nanos) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, TimeUnit.NANOSECONDS.toMillis(nanos)));
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // Nothing more to do with it.
    }
  }

  /** How many more bytes a reply may take. */
  static final class Budget {
    private long left;

    Budget(long bytes) {
      this.left = bytes;
    }

    void take(long bytes) throws ProtocolException {
      if (bytes > left) {
        throw new ProtocolException("a reply longer than its cap");
      }
      left -= bytes;
    }
  }

  /** Reads only until the current command's deadline. */
  private final class DeadlineInput extends FilterInputStream {

    DeadlineInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      arm();
      return super.read();
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      arm();
      return super.read(buffer, offset, length);
    }

    private void arm() throws IOException {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException("past the deadline");
      }
      socket.setSoTimeout(millis(left));
    }
  }
}
