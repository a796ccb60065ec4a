package dev.detour.probe.packet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

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

  private final String key;
  private final Process process;
  private final BufferedReader out;
  private final Writer in;

  /** Questions asked and not answered yet, in the order they were written. */
  private final ConcurrentLinkedQueue<CompletableFuture<String>> waiting =
      new ConcurrentLinkedQueue<>();

  private IpBatch(String key, String family) throws IOException {
    this.key = key;
    // Started from the calling thread, so it lives in that thread's network namespace.
    this.process =
        new ProcessBuilder("ip", family, "-o", "-force", "-batch", "-")
            .redirectErrorStream(true)
            .start();
    this.out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
    Thread reader = new Thread(this::read, "detour-ip-batch");
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Asks {@code ip} (without the leading {@code ip -4 -o}, or {@code -6} when {@code v6}) in the
   * calling thread's namespace; the output, with error lines as the command would print them. Each
   * family has a process of its own: an IPv6 address given to {@code ip -4} ends the batch.
   */
  static String ask(boolean v6, String command) throws IOException {
    if (command.indexOf('\n') >= 0) {
      throw new IllegalArgumentException("one command at a time: " + command);
    }
    String family = v6 ? "-6" : "-4";
    IpBatch batch;
    try {
      batch = of(Route.namespace() + family, family);
    } catch (IOException e) {
      // No ip batch (an odd iproute2): one process per question still works.
      return Commands.run(
          List.of(("ip " + family + " -o " + command).split(" ")), 5, TimeUnit.SECONDS);
    }
    return batch.run(command);
  }

  private static synchronized IpBatch of(String key, String family) throws IOException {
    IpBatch batch = BY_NAMESPACE.get(key);
    if (batch == null || !batch.process.isAlive()) {
      batch = new IpBatch(key, family);
      BY_NAMESPACE.put(key, batch);
    }
    return batch;
  }

  /**
   * Ends every {@code ip -batch} and route monitor and waits for them, so that their CPU time is
   * counted as the caller's (benchmarks), and closes the rtnetlink sockets, which would keep a
   * removed namespace alive (tests); the next question starts them again.
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
    RouteChanges.closeAll();
    NetlinkRoutes.closeAll();
  }

  /**
   * Asks one question. Questions from several threads are written one after the other without
   * waiting for the answers, which a reader thread hands out in order: a round's thousands of route
   * lookups cost {@code ip}'s own work (about 16 µs each) rather than a round trip each.
   */
  private String run(String command) throws IOException {
    CompletableFuture<String> answer = new CompletableFuture<>();
    synchronized (in) {
      waiting.add(answer);
      try {
        in.write(command + "\nlink show dev " + MARK + "\n");
        in.flush();
      } catch (IOException e) {
        end(e);
      }
    }
    try {
      return answer.get(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted asking ip " + command, e);
    } catch (ExecutionException e) {
      throw new IOException("ip " + command + ": " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      end(new IOException("no answer in 5 s"));
      throw new IOException("ip " + command + ": no answer in 5 s", e);
    }
  }

  private void read() {
    try {
      StringBuilder answer = new StringBuilder();
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.contains(MARK)) {
          out.readLine(); // "Command failed -:N" for the mark
          CompletableFuture<String> next = waiting.poll();
          if (next != null) {
            next.complete(answer.toString());
          }
          answer.setLength(0);
        } else if (!line.startsWith("Command failed -:")) {
          answer.append(line).append('\n');
        }
      }
      end(new IOException("ip -batch ended"));
    } catch (IOException e) {
      end(e);
    }
  }

  /** The process is of no more use: every question waiting fails, the next starts a new one. */
  private void end(IOException why) {
    process.destroyForcibly();
    BY_NAMESPACE.remove(key, this);
    for (CompletableFuture<String> w = waiting.poll(); w != null; w = waiting.poll()) {
      w.completeExceptionally(why);
    }
  }
}
