package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A client program that is not Detour's, run one step at a time: it prints one line per step and
 * waits for a line on its standard input before the next, so a test can look at the router in
 * between. Every wait is bounded; closing ends the program.
 */
final class StepByStep implements AutoCloseable {

  private static final String ENDED = "\u0000ended";

  private final List<String> command;
  private final Process process;
  private final Duration timeout;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private final StringBuffer errors = new StringBuffer();

  StepByStep(List<String> command, Path directory, Duration timeout) throws IOException {
    this.command = command;
    this.timeout = timeout;
    this.process = new ProcessBuilder(command).directory(directory.toFile()).start();
    pump(process.getInputStream(), lines::add, true);
    pump(process.getErrorStream(), line -> errors.append(line).append('\n'), false);
  }

  /** The next step's line, or a failure that says what the program wrote to stderr. */
  String next() throws InterruptedException {
    String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (line == null) {
      fail("%s printed nothing in %s; stderr:%n%s", command, timeout, errors);
    }
    if (line.equals(ENDED)) {
      process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      fail("%s ended (exit %s); stderr:%n%s", command, exitValue(), errors);
    }
    return line;
  }

  /** Lets the program go on to its next step. */
  void proceed() throws IOException {
    OutputStream in = process.getOutputStream();
    in.write('\n');
    in.flush();
  }

  /** Waits for the program to end and says its exit code. */
  int exit() throws IOException, InterruptedException {
    process.getOutputStream().close();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("%s did not end in %s", command, timeout);
    }
    return process.exitValue();
  }

  String errors() {
    return errors.toString();
  }

  @Override
  public void close() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  private String exitValue() {
    return process.isAlive() ? "still running" : Integer.toString(process.exitValue());
  }

  private void pump(InputStream stream, java.util.function.Consumer<String> sink, boolean mark) {
    Thread thread =
        new Thread(
            () -> {
              try (BufferedReader reader =
                  new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                  sink.accept(line);
                }
              } catch (IOException e) {
                // The program is gone.
              }
              if (mark) {
                lines.add(ENDED);
              }
            },
            "step-by-step");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Fails, saying what to install, unless {@code tool} runs: these tests drive real clients, and a
   * machine without them must not pass them by skipping.
   */
  static void require(String what, String... tool) throws InterruptedException {
    try {
      Process probe = new ProcessBuilder(tool).redirectErrorStream(true).start();
      probe.getInputStream().readAllBytes();
      if (probe.waitFor(30, TimeUnit.SECONDS) && probe.exitValue() == 0) {
        return;
      }
      probe.destroyForcibly();
    } catch (IOException e) {
      // Not there: said below.
    }
    fail(
        "%s is needed to run this test: `%s` did not run. .ci/prepare installs it (Debian: apt-get"
            + " install %s).",
        what, String.join(" ", tool), what);
  }
}
