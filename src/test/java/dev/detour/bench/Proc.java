package dev.detour.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel says of a running process: its CPU time and memory, from /proc. */
final class Proc {

  /** Clock ticks per second of /proc/PID/stat (USER_HZ, 100 on Linux). */
  static final int TICKS = 100;

  private Proc() {}

  /**
   * User plus system ticks so far of the process and the children it runs (Detour's {@code ip
   * -batch}), which the kernel only adds to its parent once they end.
   */
  static long cpuTicksWithChildren(long pid) throws IOException {
    long ticks = cpuTicks(pid);
    for (ProcessHandle child :
        ProcessHandle.of(pid).map(p -> p.descendants().toList()).orElse(java.util.List.of())) {
      try {
        ticks += cpuTicks(child.pid());
      } catch (IOException gone) {
        // Ended meanwhile.
      }
    }
    return ticks;
  }

  /** User plus system ticks of the process so far. */
  static long cpuTicks(long pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
    // The command name may hold spaces: fields count from after its closing parenthesis.
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /** A /proc/PID/status field in kB (VmRSS, VmHWM). */
  static long statusKb(long pid, String field) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
      if (line.startsWith(field + ":")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    throw new IOException("no " + field + " for process " + pid);
  }

  /** Bytes under a directory. */
  static long duBytes(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (var files = Files.walk(dir)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              p -> {
                try {
                  return Files.size(p);
                } catch (IOException e) {
                  return 0;
                }
              })
          .sum();
    }
  }
}
