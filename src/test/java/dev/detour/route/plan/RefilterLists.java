package dev.detour.route.plan;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Reads a Re:filter {@code .lst} file: one prefix a line; blank lines and # comments skipped. */
final class RefilterLists {

  private RefilterLists() {}

  static List<String> read(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IOException(
          "missing " + file.toAbsolutePath().normalize() + " (the shared Re:filter data)");
    }
    return Files.readAllLines(file).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }
}
