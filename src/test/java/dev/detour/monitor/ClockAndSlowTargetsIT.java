package dev.detour.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.lab.DetourProcess;
import dev.detour.testing.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service's wall clock jumps an hour back, then three hours forward (libfaketime
 * preloaded, its offset changed while the service runs; the monotonic clock is left alone, as a
 * real clock step leaves it), while it watches loopback targets every 5 s — some of them tarpits
 * that answer HTTP a byte a second. The rounds go on through both jumps, none is taken for an
 * overrun, no watch changes state, and the tarpits cost their probe's time limit, not the round.
 */
class ClockAndSlowTargetsIT {

  private static final Path LIBFAKETIME =
      Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
  private static final int INTERVAL = 5;

  /** Accepts on every loopback address and closes: a target that is up. */
  private static final class Up implements AutoCloseable {
    final ServerSocket server;

    Up() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress("0.0.0.0", 0), 1024);
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket s = server.accept()) {
                    s.getOutputStream().write("HTTP/1.0 200 OK\r\n\r\nup".getBytes());
                  } catch (IOException closed) {
                    // Closed at the end.
                  }
                }
              },
              "clock-up");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  /**
   * Answers HTTP a byte a second, for at most a minute a connection and 64 connections at once
   * (more are closed at once): the slowest answer a socket timeout never notices.
   */
  private static final class Tarpit implements AutoCloseable {
    final ServerSocket server;
    final ExecutorService trickles = Executors.newFixedThreadPool(64);

    Tarpit() throws IOException {
      server = new ServerSocket();
      server.bind(new InetSocketAddress("0.0.0.0", 0), 1024);
      Thread t =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try {
                    Socket s = server.accept();
                    trickles.execute(() -> trickle(s));
                  } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                    // Closed at the end.
                  }
                }
              },
              "clock-tarpit");
      t.setDaemon(true);
      t.start();
    }

    private static void trickle(Socket s) {
      byte[] answer =
          ("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><title>slow</title>"
                  + "x".repeat(200))
              .getBytes(StandardCharsets.US_ASCII);
      try (s) {
        OutputStream out = s.getOutputStream();
        for (int i = 0; i < Math.min(60, answer.length); i++) {
          out.write(answer[i]);
          out.flush();
          Thread.sleep(1000);
        }
      } catch (IOException | InterruptedException gone) {
        // The probe gave up, or the test ended.
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      trickles.shutdownNow();
    }
  }

  @Test
  void roundsGoOnThroughClockJumpsAndPastTargetsThatTrickle(@TempDir Path dir) throws Exception {
    assertThat(LIBFAKETIME)
        .as("libfaketime (apt-get install libfaketime) makes the clock jump")
        .exists();
    Path offset = dir.resolve("clock-offset");
    Files.writeString(offset, "+0\n");
    try (Up up = new Up();
        Tarpit tarpit = new Tarpit();
        DetourProcess detour =
            DetourProcess.startAsUser(
                null,
                dir.resolve("detour"),
                DetourProcess.freePort(),
                java.util.Map.of(
                    "detour.probe.raw",
                    "false",
                    "detour.probe.interval",
                    INTERVAL + "s",
                    "detour.probe.timeout",
                    "2s",
                    "detour.watch.ports",
                    Integer.toString(up.server.getLocalPort())),
                List.of(
                    "LD_PRELOAD=" + LIBFAKETIME,
                    "FAKETIME_TIMESTAMP_FILE=" + offset,
                    "FAKETIME_CACHE_DURATION=1",
                    "FAKETIME_DONT_FAKE_MONOTONIC=1",
                    // Without these two a JVM spins on every core (libfaketime's README, issue
                    // 425): the monotonic fix and faked file times are not needed here.
                    "FAKETIME_FORCE_MONOTONIC_FIX=0",
                    "NO_FAKE_STAT=1",
                    "-Xmx256m",
                    "-XX:TieredStopAtLevel=1",
                    "-XX:+UseSerialGC"))) {
      String group = "{\"name\":\"%s\",\"probes\":[\"%s\"]}";
      detour.post("/api/groups", String.format(group, "clock", "tcp_connect"));
      detour.post("/api/groups", String.format(group, "slow", "http"));
      StringBuilder list = new StringBuilder();
      for (int i = 1; i <= 20; i++) {
        list.append("127.0.7.").append(i).append('\n');
      }
      assertThat(
              detour
                  .call("POST", "/api/watches/import?format=plain&group=clock", list.toString())
                  .status())
          .isEqualTo(200);
      for (int i = 1; i <= 5; i++) {
        detour.post(
            "/api/watches",
            "{\"target\":\"127.0.8."
                + i
                + "\",\"group\":\"slow\",\"ports\":["
                + tarpit.server.getLocalPort()
                + "]}");
      }
      Await.until(
          Duration.ofSeconds(90),
          () -> rounds(detour, "clock") >= 2 && up(detour) == 20,
          "the clock group's watches up");

      try {
        jumpAndCheck(detour, offset);
      } catch (AssertionError e) {
        List<String> log = detour.logText().lines().toList();
        throw new AssertionError(
            e.getMessage()
                + "\nthe service's log:\n"
                + String.join("\n", log.subList(Math.max(0, log.size() - 40), log.size())),
            e);
      }
    }
  }

  private static void jumpAndCheck(DetourProcess detour, Path offset) throws Exception {
    List<String> steps = new ArrayList<>();
    for (String jump : List.of("-3600", "+7200")) {
      int clock = rounds(detour, "clock");
      int slow = rounds(detour, "slow");
      Files.writeString(offset, jump + "\n");
      long from = System.nanoTime();
      Await.until(
          Duration.ofSeconds(60),
          () -> rounds(detour, "clock") >= clock + 4 && rounds(detour, "slow") >= slow + 3,
          "four rounds of each group after the clock moved " + jump + " s");
      steps.add(jump + " s: four rounds in " + (System.nanoTime() - from) / 1_000_000 + " ms");
    }
    String metrics = detour.call("GET", "/q/metrics", null).body();
    assertThat(metric(metrics, "detour_round_overruns_total", "clock"))
        .as("no round taken for an overrun by a jump")
        .isZero();
    assertThat(metric(metrics, "detour_round_duration_seconds_max", "slow"))
        .as("a round of tarpits lasts about a probe's time limit (2 s connect, 2 × 2 s read)")
        .isLessThan(INTERVAL + 2.0);
    assertThat(up(detour)).as("no watch of the clock group changed state").isEqualTo(20);
    assertThat(detour.logText()).contains("the clock went back");
    System.out.println("clock jumps: " + steps);
  }

  private static int rounds(DetourProcess detour, String group) {
    try {
      return detour.get("/api/monitor").path("rounds").path(group).asInt();
    } catch (Exception | AssertionError e) {
      return -1;
    }
  }

  /** Watches of group clock that are up. */
  private static int up(DetourProcess detour) {
    try {
      int up = 0;
      for (var row : detour.get("/api/status?group=clock&size=100")) {
        up += row.path("status").path("state").asText().equals("up") ? 1 : 0;
      }
      return up;
    } catch (Exception | AssertionError e) {
      return -1;
    }
  }

  private static double metric(String metrics, String name, String group) {
    Matcher m =
        Pattern.compile(
                "^" + Pattern.quote(name) + "\\{[^}]*group=\"" + group + "\"[^}]*} ([0-9.eE+-]+)$",
                Pattern.MULTILINE)
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
