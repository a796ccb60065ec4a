package dev.detour.probe.transfer;

import dev.detour.probe.Probe;
import dev.detour.probe.ProbeConfig;
import dev.detour.probe.ProbeKind;
import dev.detour.probe.ProbeRequest;
import dev.detour.probe.Rendering;
import dev.detour.probe.SocketDeadline;
import dev.detour.probe.http.Connector;
import dev.detour.probe.http.CountedSocket;
import dev.detour.probe.http.HttpStage;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Fetches a host's page and watches it flow: HTTPS with the host's name as SNI where the watch
 * serves 443, else HTTP; up to {@code detour.probe.transfer.bytes}, at most {@code
 * detour.probe.transfer.max-time}; the bytes received every 100 ms. A censor that throttles (a
 * crawl at a fraction of the tunnel's speed) or freezes (the first 16–20 KB, then nothing) lets the
 * handshake and a small page through: only a transfer shows it.
 */
@Singleton
public final class TransferProbe implements Probe<TransferEvidence> {

  public static final ProbeKind KIND = ProbeKind.of("transfer");

  /** The curve's resolution. */
  static final int STEP_MILLIS = 100;

  private final Connector connector;
  private final int limit;
  private final Duration maxTime;
  private final int every;

  public TransferProbe(
      Duration connectTimeout, Duration readTimeout, int limit, Duration maxTime, int every) {
    this.connector = new Connector(connectTimeout, readTimeout);
    this.limit = limit;
    this.maxTime = maxTime;
    this.every = every;
  }

  @Inject
  public TransferProbe(ProbeConfig config) {
    this(
        config.timeout(),
        config.timeout(),
        config.transfer().bytes(),
        config.transfer().maxTime(),
        config.transfer().every());
  }

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public Class<TransferEvidence> evidenceType() {
    return TransferEvidence.class;
  }

  @Override
  public boolean raw() {
    return false;
  }

  @Override
  public int order() {
    return 45;
  }

  @Override
  public boolean agentMayRun() {
    return true;
  }

  /** A page is fetched by a host's name: an address alone says which site to ask for nothing. */
  @Override
  public boolean needsName() {
    return true;
  }

  /** Costly (a page each time): every few rounds, and whenever the watch is suspect. */
  @Override
  public int everyRounds() {
    return every;
  }

  @Override
  public String unavailable(ProbeRequest request) {
    return request.name() == null
        ? "a bare address names no site: the transfer probe fetches a host's page"
        : null;
  }

  /**
   * HTTPS where the watch has 443, else HTTP on 80 (else its first port); HTTP on 80 too when 443
   * does not connect — a host that serves only 80 (its 443 closed) still has a page to watch.
   * Whether a port connects is the TCP probes' to judge: this one watches pages flow.
   */
  @Override
  public TransferEvidence run(ProbeRequest request) throws IOException {
    List<Integer> ports = request.ports();
    if (ports.contains(443)) {
      TransferEvidence https =
          fetch(request.address(), 443, true, request.name(), request.source());
      if (!https.stage().connectFailure() || !ports.contains(80)) {
        return https;
      }
    }
    int port = ports.contains(80) ? 80 : ports.get(0);
    return fetch(request.address(), port, port == 443, request.name(), request.source());
  }

  /** Fetches {@code /} of {@code name} at {@code address} and records how it came. */
  public TransferEvidence fetch(
      InetAddress address, int port, boolean https, String name, InetAddress local) {
    String url = (https ? "https://" : "http://") + name + ":" + port + "/";
    String at = address.getHostAddress();
    return connector.connected(
        address,
        port,
        local,
        connector.whole().plus(maxTime),
        (stage, e) -> failed(url, at, name, stage, e),
        (socket, deadline) -> {
          CountedSocket wire = new CountedSocket(socket);
          Socket channel = wire;
          if (https) {
            try {
              channel = connector.handshake(wire, name);
            } catch (IOException e) {
              IOException told = deadline.explain(e);
              return failed(url, at, name, Connector.tlsStage(told), told);
            }
          }
          return transfer(channel, wire, deadline, url, at, name);
        });
  }

  /**
   * Reads the answer, counting what came on the wire (TLS records and all, as the censor counts
   * them: a freeze inside TLS's first 16 KB record decrypts nothing, yet its bytes came).
   */
  private TransferEvidence transfer(
      Socket channel,
      CountedSocket wire,
      SocketDeadline deadline,
      String url,
      String at,
      String name)
      throws IOException {
    String request =
        "GET / HTTP/1.1\r\nHost: "
            + name
            + "\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Detour\r\nAccept: */*\r\n"
            + "Connection: close\r\n\r\n";
    OutputStream out = channel.getOutputStream();
    wire.mark();
    out.write(request.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    // Short reads, so the curve gets a point every step even while nothing comes.
    channel.setSoTimeout(STEP_MILLIS);
    InputStream in = channel.getInputStream();
    long sent = System.nanoTime();
    long maxNanos = maxTime.toNanos();
    long stallNanos = connector.readTimeout().toNanos();
    Flow flow = new Flow(sent, wire);
    byte[] buffer = new byte[16 * 1024];
    byte[] head = new byte[0];
    TransferEvidence.End end;
    String error = null;
    while (true) {
      long now = System.nanoTime();
      flow.step(now);
      if (flow.bytes >= limit) {
        end = TransferEvidence.End.LIMIT;
        break;
      }
      if (now - sent >= maxNanos) {
        end = flow.bytes == 0 ? TransferEvidence.End.FAILED : TransferEvidence.End.TIME;
        error = flow.bytes == 0 ? "no answer in " + maxTime.toMillis() + " ms" : null;
        break;
      }
      if (now - flow.lastData >= stallNanos) {
        end = flow.bytes == 0 ? TransferEvidence.End.FAILED : TransferEvidence.End.STALLED;
        error = "nothing came for " + connector.readTimeout().toMillis() + " ms";
        break;
      }
      int n;
      try {
        n = in.read(buffer);
      } catch (SocketTimeoutException quiet) {
        flow.seen(System.nanoTime());
        if (deadline.passed()) {
          end = flow.bytes == 0 ? TransferEvidence.End.FAILED : TransferEvidence.End.TIME;
          break;
        }
        continue;
      } catch (IOException e) {
        flow.seen(System.nanoTime());
        IOException told = deadline.explain(e);
        end = flow.bytes == 0 ? TransferEvidence.End.FAILED : TransferEvidence.End.RESET;
        error = Connector.message(told);
        break;
      }
      flow.seen(System.nanoTime());
      if (n < 0) {
        end = flow.bytes == 0 ? TransferEvidence.End.FAILED : TransferEvidence.End.COMPLETE;
        error = flow.bytes == 0 ? "closed without an answer" : null;
        break;
      }
      if (head.length < 64) {
        byte[] more = new byte[Math.min(64, head.length + n)];
        System.arraycopy(head, 0, more, 0, head.length);
        System.arraycopy(buffer, 0, more, head.length, more.length - head.length);
        head = more;
      }
    }
    flow.finish(System.nanoTime());
    HttpStage stage =
        flow.bytes > 0
            ? HttpStage.RESPONSE
            : error != null && error.startsWith("closed")
                ? HttpStage.REQUEST_RESET
                : HttpStage.REQUEST_TIMEOUT;
    boolean stopped = end == TransferEvidence.End.STALLED || end == TransferEvidence.End.RESET;
    return new TransferEvidence(
        url,
        at,
        name,
        stage,
        error,
        status(head),
        end,
        flow.bytes,
        flow.firstByteMillis(),
        (System.nanoTime() - sent) / 1_000_000,
        stopped ? flow.bytes : -1,
        flow.goodput(end),
        STEP_MILLIS,
        List.copyOf(flow.curve));
  }

  /** Bytes as they came on the wire: the curve, the first and the last byte's time. */
  private static final class Flow {
    final long start;
    final CountedSocket wire;
    final List<Long> curve = new ArrayList<>();
    long bytes;
    long firstData = -1;
    long lastData;

    Flow(long start, CountedSocket wire) {
      this.start = start;
      this.wire = wire;
      this.lastData = start;
    }

    /** What the wire counted by {@code now}: a read returns, or times out, after TLS read some. */
    void seen(long now) {
      long count = wire.sinceMark();
      if (count > bytes) {
        if (firstData < 0) {
          firstData = now;
        }
        lastData = now;
        bytes = count;
      }
    }

    /** Points for every step that has ended by {@code now}. */
    void step(long now) {
      long steps = (now - start) / (STEP_MILLIS * 1_000_000L);
      while (curve.size() < steps) {
        curve.add(bytes);
      }
    }

    /** The steps ended by {@code now}, and the last one, partial, with what came by the end. */
    void finish(long now) {
      step(now);
      if (curve.isEmpty() || curve.get(curve.size() - 1) != bytes) {
        curve.add(bytes);
      }
    }

    long firstByteMillis() {
      return firstData < 0 ? -1 : (firstData - start) / 1_000_000;
    }

    /** Bits a second from the first byte to the last, when data flowed to the end. */
    long goodput(TransferEvidence.End end) {
      boolean flowed =
          end == TransferEvidence.End.COMPLETE
              || end == TransferEvidence.End.LIMIT
              || end == TransferEvidence.End.TIME;
      if (!flowed || firstData < 0) {
        return -1;
      }
      // A page in one burst: at least 10 ms, so tiny pages do not read as infinitely fast.
      long nanos = Math.max(lastData - firstData, 10_000_000L);
      return (long) (bytes * 8 / (nanos / 1e9));
    }
  }

  private static Integer status(byte[] head) {
    String line = new String(head, StandardCharsets.ISO_8859_1);
    String[] words = line.split("[ \r\n]");
    if (words.length >= 2 && words[0].startsWith("HTTP/")) {
      try {
        return Integer.valueOf(words[1]);
      } catch (NumberFormatException notHttp) {
        return null;
      }
    }
    return null;
  }

  private static TransferEvidence failed(
      String url, String at, String name, HttpStage stage, IOException e) {
    return new TransferEvidence(
        url,
        at,
        name,
        stage,
        Connector.message(e),
        null,
        TransferEvidence.End.FAILED,
        0,
        -1,
        0,
        -1,
        -1,
        STEP_MILLIS,
        List.of());
  }

  @Override
  public Rendering render(TransferEvidence e) {
    List<Rendering.Line> lines = new ArrayList<>();
    lines.add(
        new Rendering.Line(
            "GET "
                + e.url()
                + " @"
                + e.address()
                + " → "
                + (e.status() != null ? e.status() + " " : "")
                + e.end().label()
                + (e.error() != null ? " (" + e.error() + ")" : ""),
            e.flowed() ? "answer" : "bad"));
    lines.add(
        Rendering.Line.plain(
            String.format(
                Locale.ROOT,
                "%,d bytes in %s, first byte after %d ms%s",
                e.bytes(),
                seconds(e.millis()),
                e.firstByteMillis(),
                e.goodputBitsPerSecond() >= 0
                    ? ", " + rate(e.goodputBitsPerSecond())
                    : e.stoppedAfter() >= 0
                        ? String.format(Locale.ROOT, ", stopped after %,d bytes", e.stoppedAfter())
                        : "")));
    List<Rendering.Point> curve = new ArrayList<>();
    for (int i = 0; i < e.curve().size(); i++) {
      // The last point may end a partial step: it is at the transfer's end.
      long at = Math.min((long) (i + 1) * e.stepMillis(), Math.max(e.millis(), 1));
      curve.add(new Rendering.Point(at, e.curve().get(i)));
    }
    String outcome =
        e.flowed()
            ? String.format(Locale.ROOT, "%,d bytes, %s", e.bytes(), rate(e.goodputBitsPerSecond()))
            : e.stoppedAfter() >= 0
                ? String.format(
                    Locale.ROOT, "%s after %,d bytes", e.end().label(), e.stoppedAfter())
                : e.stage().label();
    return new Rendering(outcome, lines, curve);
  }

  /** A time as people read it, to the precision it has: 12 s, 2.4 s, 0.19 s, 0.004 s. */
  public static String seconds(long millis) {
    if (millis >= 10_000) {
      return String.format(Locale.ROOT, "%.0f s", millis / 1000.0);
    }
    if (millis >= 100) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    if (millis >= 10) {
      return String.format(Locale.ROOT, "%.2f s", millis / 1000.0);
    }
    return String.format(Locale.ROOT, "%.3f s", millis / 1000.0);
  }

  /** A rate as people read it: 130 kbit/s, 52.4 Mbit/s. */
  public static String rate(long bitsPerSecond) {
    if (bitsPerSecond >= 10_000_000) {
      return String.format(Locale.ROOT, "%.0f Mbit/s", bitsPerSecond / 1e6);
    }
    if (bitsPerSecond >= 1_000_000) {
      return String.format(Locale.ROOT, "%.1f Mbit/s", bitsPerSecond / 1e6);
    }
    return String.format(Locale.ROOT, "%.0f kbit/s", bitsPerSecond / 1e3);
  }
}
