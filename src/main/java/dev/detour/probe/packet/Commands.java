package dev.detour.probe.packet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the small iproute2 commands the packet layer asks the kernel with. */
final class Commands {

  private Commands() {}

  /** The command's standard output; an exception with its error output when it fails. */
  static String run(List<String> command, long timeout, TimeUnit unit) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      if (!process.waitFor(timeout, unit)) {
        process.destroyForcibly();
        throw new IOException(String.join(" ", command) + " did not answer in time");
      }
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + output.strip());
      }
      return output;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + String.join(" ", command), e);
    }
  }
}
