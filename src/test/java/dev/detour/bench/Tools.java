package dev.detour.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the benchmark's programs — Detour's and its peers' — each in the probing namespace under GNU
 * time, so every tool's CPU seconds and peak RSS come from the kernel's accounting of that process
 * and nothing else.
 */
final class Tools {

  /** What one run of one program cost, and what it printed. */
  record Run(String output, double seconds, double cpuSeconds, long peakRssKb) {}

  private static final String MARK = "BENCH_TIME";

  private Tools() {}

  /** Runs {@code command} in namespace {@code ns} (null: here), at most {@code limitSeconds}. */
  static Run timed(String ns, long limitSeconds, List<String> command) throws IOException {
    List<String> full = new ArrayList<>();
    if (ns != null) {
      full.addAll(List.of("ip", "netns", "exec", ns));
    }
    full.addAll(List.of("/usr/bin/time", "-f", MARK + " %e %U %S %M"));
    full.addAll(command);
    Path err = Files.createTempFile("bench", ".err");
    try {
      Process p =
          new ProcessBuilder(full)
              .redirectError(err.toFile())
              .redirectInput(ProcessBuilder.Redirect.PIPE)
              .start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      waitFor(p, limitSeconds, full);
      return parse(out, Files.readString(err), full);
    } finally {
      Files.deleteIfExists(err);
    }
  }

  /**
   * Like {@link #timed}, for a program that does not always exit when done (masscan's known hang
   * after its wait, "waiting -N-secs"): once a status line of its error output satisfies {@code
   * done}, its wall time is taken and it is interrupted as Ctrl-C would.
   */
  static Run timedUntil(
      String ns, long limitSeconds, List<String> command, java.util.function.Predicate<String> done)
      throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    full.addAll(List.of("/usr/bin/time", "-f", MARK + " %e %U %S %M"));
    full.addAll(command);
    long start = System.nanoTime();
    Process p = new ProcessBuilder(full).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    p.getOutputStream().close();
    StringBuilder err = new StringBuilder();
    StringBuilder line = new StringBuilder();
    double seconds = -1;
    java.io.InputStream in = p.getErrorStream();
    for (int c = in.read(); c >= 0; c = in.read()) {
      if (c == '\r' || c == '\n') {
        if (seconds < 0 && done.test(line.toString())) {
          seconds = (System.nanoTime() - start) / 1e9;
          // Ctrl-C twice, then, if it still hangs (threads not exiting), the hard way.
          long parent = p.pid();
          Thread stopper =
              new Thread(
                  () ->
                      quietly(
                          "pkill -INT -P "
                              + parent
                              + "; sleep 0.5; pkill -INT -P "
                              + parent
                              + "; sleep 3; pkill -KILL -P "
                              + parent));
          stopper.setDaemon(true);
          stopper.start();
        }
        err.append(line).append('\n');
        line.setLength(0);
      } else {
        line.append((char) c);
      }
      if (System.nanoTime() - start > TimeUnit.SECONDS.toNanos(limitSeconds)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        throw new IOException(String.join(" ", full) + " ran over " + limitSeconds + " s");
      }
    }
    err.append(line);
    waitFor(p, 30, full);
    Run run = parse("", err.toString(), full);
    return new Run(
        run.output(), seconds > 0 ? seconds : run.seconds(), run.cpuSeconds(), run.peakRssKb());
  }

  /** A program started under GNU time that runs until {@link #stop}: a peer's daemon. */
  static final class Daemon {
    private final Process process;
    private final Path err;
    private final List<String> command;

    Daemon(String ns, List<String> command) throws IOException {
      List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns));
      full.addAll(List.of("/usr/bin/time", "-f", MARK + " %e %U %S %M"));
      full.addAll(command);
      this.command = full;
      this.err = Files.createTempFile("bench-daemon", ".err");
      this.process =
          new ProcessBuilder(full)
              .redirectError(err.toFile())
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
    }

    /** Stops the daemon gently (SIGTERM to time's child) and returns what its life cost. */
    Run stop() throws IOException {
      try {
        // "ip netns exec" execs time, so the process is time; its child is the daemon.
        sh("pkill -TERM -P " + process.pid());
        waitFor(process, 30, command);
        return parse("", Files.readString(err), command);
      } finally {
        process.destroyForcibly();
        Files.deleteIfExists(err);
      }
    }

    boolean alive() {
      return process.isAlive();
    }

    String log() throws IOException {
      return Files.readString(err);
    }
  }

  private static void waitFor(Process p, long limitSeconds, List<String> command)
      throws IOException {
    try {
      if (!p.waitFor(limitSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new IOException(String.join(" ", command) + " ran over " + limitSeconds + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static Run parse(String out, String err, List<String> command) throws IOException {
    for (String line : err.split("[\r\n]")) {
      line = line.strip();
      if (line.startsWith(MARK)) {
        String[] f = line.split(" ");
        return new Run(
            out,
            Double.parseDouble(f[1]),
            Double.parseDouble(f[2]) + Double.parseDouble(f[3]),
            Long.parseLong(f[4]));
      }
    }
    throw new IOException(String.join(" ", command) + " failed:\n" + tail(err) + tail(out));
  }

  private static String tail(String text) {
    return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
  }

  /** Runs a shell command, failing with its output when it fails. */
  static String sh(String command) throws IOException {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    waitFor(p, 120, List.of(command));
    if (p.exitValue() != 0) {
      throw new IOException(command + " failed (" + p.exitValue() + "): " + out);
    }
    return out;
  }

  /** Runs a shell command whose failure does not matter (clean-up). */
  static void quietly(String command) {
    try {
      sh(command);
    } catch (IOException e) {
      // Nothing to clean.
    }
  }
}
