package dev.detour.probe.packet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The kernel's answers to {@code ip route get} and {@code ip neigh show}, asked of one long-lived
 * {@code ip -batch} process per network namespace instead of a new process for each question: a
 * round of 100,000 addresses asked 100,000 processes of the kernel before, which cost more CPU than
 * the probes themselves. Each question is followed by one that always fails naming a device that
 * does not exist, so the end of every answer is known even when the answer is empty.
 */
public final class IpBatch {

  private static final String MARK = "detour-mark";
  private static final Map<String, IpBatch> BY_NAMESPACE = new ConcurrentHashMap<>();

  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  private IpBatch() throws IOException {
    // Started from the calling thread, so it lives in that thread's network namespace.
    this.process =
        new ProcessBuilder("ip", "-4", "-o", "-force", "-batch", "-")
            .redirectErrorStream(true)
            .start();
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
  }

  /**
   * Asks {@code ip} (without the leading {@code ip -4 -o}) in the calling thread's namespace; the
   * output, with error lines as the command would print them.
   */
  static String ask(String command) throws IOException {
    if (command.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("one command at a time: " + command);
    }
    IpBatch batch;
    try {
      batch = of(Route.namespace());
    } catch (IOException e) {
      // No ip batch (an odd iproute2): one process per question still works.
      return Commands.run(List.of(("ip -4 -o " + command).split(" ")), 5, TimeUnit.SECONDS);
    }
    return batch.run(command);
  }

  private static synchronized IpBatch of(String namespace) throws IOException {
    IpBatch batch = BY_NAMESPACE.get(namespace);
    if (batch == null || !batch.process.isAlive()) {
      batch = new IpBatch();
      BY_NAMESPACE.put(namespace, batch);
    }
    return batch;
  }

  /**
   * Ends every {@code ip -batch} and waits for it, so that its CPU time is counted as the caller's
   * (benchmarks); the next question starts a new one.
   */
  public static synchronized void closeAll() throws InterruptedException {
    for (IpBatch batch : List.copyOf(BY_NAMESPACE.values())) {
      try {
        batch.in.close();
      } catch (IOException ignored) {
        // Ends anyway.
      }
      batch.process.waitFor(5, TimeUnit.SECONDS);
    }
    BY_NAMESPACE.clear();
  }

  private synchronized String run(String command) throws IOException {
    try {
      in.write(command + "\nlink show dev " + MARK + "\n");
      in.flush();
      StringBuilder answer = new StringBuilder();
      for (String line = out.readLine(); ; line = out.readLine()) {
        if (line == null) {
          throw new IOException("ip -batch ended");
        }
        if (line.contains(MARK)) {
          out.readLine(); // "Command failed -:N" for the mark
          break;
        }
        if (!line.startsWith("Command failed -:")) {
          answer.append(line).append('\n');
        }
      }
      return answer.toString();
    } catch (IOException e) {
      process.destroyForcibly();
      BY_NAMESPACE.values().remove(this);
      throw new IOException("ip " + command + ": " + e.getMessage(), e);
    }
  }
}
