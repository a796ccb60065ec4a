package dev.detour.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.detour.probe.http.BlockPages;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpProbe;
import dev.detour.probe.icmp.IcmpProbe;
import dev.detour.probe.packet.PacketBudget;
import dev.detour.probe.tcp.SynAnswer;
import dev.detour.probe.tcp.SynProbe;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Detour's side of the probe-rate benchmark, run as its own process so that its CPU time and peak
 * memory are its own: the production probes (the ones a round runs for each watch) against {@code
 * count} consecutive addresses from {@code first} (IPv4 or IPv6), {@code concurrency} at a time, as
 * the monitor's workers do. Prints one line: {@code probes answered seconds class=n...}.
 *
 * <p>Usage: {@code ProbeRun syn|icmp|http <first address> <count> <port> <concurrency>
 * <packets-per-second> [passes]}: with more than one pass, the last is measured and the line ends
 * with {@code cpu=} its CPU seconds (the process's, every thread's, user and kernel).
 */
public final class ProbeRun {

  private ProbeRun() {}

  public static void main(String[] args) throws Exception {
    String kind = args[0];
    InetAddress first = InetAddress.getByName(args[1]);
    int count = Integer.parseInt(args[2]);
    int port = Integer.parseInt(args[3]);
    int concurrency = Integer.parseInt(args[4]);
    PacketBudget.configure(Integer.parseInt(args[5]));
    int passes = args.length > 6 ? Integer.parseInt(args[6]) : 1;
    Duration wait = Duration.ofSeconds(1);
    SynProbe syn = new SynProbe(wait, 1);
    IcmpProbe icmp = new IcmpProbe(1, Duration.ZERO, wait);
    HttpProbe http = new HttpProbe(wait, wait, new BlockPages(List.of(), List.of()));
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    // The passes before the last warm the JVM (its classes loaded, its hot code compiled) and the
    // remembered routes, as a running service's earlier rounds have: the last pass is measured.
    String line = null;
    for (int pass = 1; pass <= passes; pass++) {
      long cpuBefore = os.getProcessCpuTime();
      line = pass(kind, first, count, port, concurrency, syn, icmp, http);
      if (passes > 1) {
        line += String.format(Locale.ROOT, " cpu=%.3f", (os.getProcessCpuTime() - cpuBefore) / 1e9);
      }
    }
    // Its helper's CPU time counts as this process's once it has been waited for.
    dev.detour.probe.packet.IpBatch.closeAll();
    System.out.println(line);
  }

  /** One pass over the targets: {@code probes answered seconds class=n...}. */
  private static String pass(
      String kind,
      InetAddress first,
      int count,
      int port,
      int concurrency,
      SynProbe syn,
      IcmpProbe icmp,
      HttpProbe http)
      throws InterruptedException {
    Map<String, AtomicLong> classes = new ConcurrentHashMap<>();
    AtomicLong probes = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    // SYN and echo probes wait on timers, not threads: a few threads start them (as the monitor's
    // workers do), {@code concurrency} under way at once.
    boolean timed = kind.equals("syn") || kind.equals("icmp");
    ExecutorService pool = Executors.newFixedThreadPool(timed ? 16 : concurrency);
    long start = System.nanoTime();
    if (timed) {
      Semaphore places = new Semaphore(concurrency);
      CountDownLatch left = new CountDownLatch(count);
      for (int i = 0; i < count; i++) {
        InetAddress target = plus(first, i);
        pool.execute(
            () -> {
              places.acquireUninterruptibly();
              CompletableFuture<List<String>> answers =
                  kind.equals("syn")
                      ? syn.start(target, port, null, null)
                          .thenApply(
                              all ->
                                  all.stream()
                                      .map(
                                          e ->
                                              e.answer() == SynAnswer.TIMEOUT
                                                  ? ""
                                                  : e.answer().name())
                                      .toList())
                      : icmp.start(target, null, null)
                          .thenApply(e -> List.of(e.replies().isEmpty() ? "" : "ECHO_REPLY"));
              answers.whenComplete(
                  (names, error) -> {
                    if (error != null) {
                      if (errors.incrementAndGet() <= 3) {
                        System.err.println("probe of " + target.getHostAddress() + ": " + error);
                      }
                      count(classes, probes, answered, "ERROR", false);
                    } else {
                      for (String name : names) {
                        count(
                            classes,
                            probes,
                            answered,
                            name.isEmpty() ? "NONE" : name,
                            !name.isEmpty());
                      }
                    }
                    places.release();
                    left.countDown();
                  });
            });
      }
      if (!left.await(30, TimeUnit.MINUTES)) {
        throw new IllegalStateException("probes did not finish within 30 minutes");
      }
    }
    int threaded = timed ? 0 : count;
    for (int i = 0; i < threaded; i++) {
      InetAddress target = plus(first, i);
      pool.execute(
          () -> {
            try {
              switch (kind) {
                case "http" -> {
                  HttpEvidence e = http.get(target, port, false, null, "/", null);
                  Integer status = e.status();
                  count(
                      classes,
                      probes,
                      answered,
                      status == null ? "FAILED" : "HTTP_" + status,
                      status != null && status / 100 == 2);
                }
                default -> throw new IllegalArgumentException("unknown probe " + kind);
              }
            } catch (Exception e) {
              if (errors.incrementAndGet() <= 3) {
                System.err.println("probe of " + target.getHostAddress() + ": " + e);
              }
              count(classes, probes, answered, "ERROR " + e.getClass().getSimpleName(), false);
            }
          });
    }
    pool.shutdown();
    if (!pool.awaitTermination(30, TimeUnit.MINUTES)) {
      throw new IllegalStateException("probes did not finish within 30 minutes");
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    StringBuilder line = new StringBuilder();
    line.append(probes.get()).append(' ').append(answered.get()).append(' ');
    line.append(String.format(Locale.ROOT, "%.3f", seconds));
    new TreeMap<>(classes)
        .forEach(
            (k, v) -> line.append(' ').append(k.replace(' ', '_')).append('=').append(v.get()));
    return line.toString();
  }

  private static void count(
      Map<String, AtomicLong> classes,
      AtomicLong probes,
      AtomicLong answered,
      String name,
      boolean ok) {
    probes.incrementAndGet();
    if (ok) {
      answered.incrementAndGet();
    }
    classes.computeIfAbsent(name, k -> new AtomicLong()).incrementAndGet();
  }

  /** The address {@code n} after {@code first}, of the same family. */
  static InetAddress plus(InetAddress first, long n) {
    byte[] b = first.getAddress();
    long carry = n;
    for (int i = b.length - 1; i >= 0 && carry != 0; i--) {
      long sum = (b[i] & 0xff) + (carry & 0xff);
      b[i] = (byte) sum;
      carry = (carry >>> 8) + (sum >>> 8);
    }
    try {
      return InetAddress.getByAddress(b);
    } catch (java.net.UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
