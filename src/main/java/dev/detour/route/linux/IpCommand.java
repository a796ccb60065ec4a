package dev.detour.route.linux;

import dev.detour.route.RouterException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code ip} with a time limit, its output read while it runs (a big table is no deadlock).
 */
final class IpCommand {

  /** Output cap: a table of a million routes prints about 100 MB; more is not a routing table. */
  private static final int MAX_OUTPUT = 256 << 20;

  private IpCommand() {}

  /** The exit status and everything printed (errors included). */
  record Result(int status, String output) {}

  static Result run(List<String> command, Duration timeout) throws RouterException {
    return run(command, null, timeout);
  }

  /**
   * Runs {@code command} with {@code input} on its standard input ({@code ip -batch -}), written
   * while the output is read.
   */
  static Result run(List<String> command, String input, Duration timeout) throws RouterException {
    Process process;
    try {
      process = new ProcessBuilder(command).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new RouterException(
          RouterException.Kind.UNREACHABLE, "cannot run ip (install iproute2): " + e.getMessage());
    }
    // A thread of its own, not the common pool the output is read in: with few cores that pool
    // has one thread, and a batch blocked on input would then wait for its output to be read.
    Thread writer =
        new Thread(
            () -> {
              try (OutputStream in = process.getOutputStream()) {
                if (input != null) {
                  in.write(input.getBytes(StandardCharsets.UTF_8));
                }
              } catch (IOException e) {
                // ip stopped reading (it failed): its output says why.
              }
            },
            "ip-input");
    writer.setDaemon(true);
    writer.start();
    CompletableFuture<String> output =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = process.getInputStream()) {
                byte[] bytes = in.readNBytes(MAX_OUTPUT);
                in.transferTo(OutputDiscard.INSTANCE);
                return new String(bytes, StandardCharsets.UTF_8);
              } catch (IOException e) {
                return "";
              }
            });
    try {
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new RouterException(
            RouterException.Kind.TIMEOUT, String.join(" ", command) + " did not finish in time");
      }
      return new Result(process.exitValue(), output.get(5, TimeUnit.SECONDS).strip());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new RouterException(RouterException.Kind.TIMEOUT, "interrupted");
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new RouterException(RouterException.Kind.PROTOCOL, "cannot read ip's output");
    }
  }

  /** Swallows output past the cap, so the process never blocks on a full pipe. */
  private static final class OutputDiscard extends java.io.OutputStream {
    static final OutputDiscard INSTANCE = new OutputDiscard();

    @Override
    public void write(int b) {}

    @Override
    public void write(byte[] b, int off, int len) {}
  }

  /** One route refused is that route's problem; no permission is everyone's. */
  static RouterException failure(String what, String output) {
    RouterException.Kind kind =
        output.contains("No such process")
            ? RouterException.Kind.NOT_FOUND
            : output.contains("Operation not permitted")
                ? RouterException.Kind.AUTH
                : RouterException.Kind.REJECTED;
    return new RouterException(kind, what + ": " + output);
  }
}
