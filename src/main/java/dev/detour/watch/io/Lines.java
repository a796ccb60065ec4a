package dev.detour.watch.io;

import java.io.IOException;

/** Reads lines for text formats, reporting undecodable ones to the sink and going on. */
final class Lines {

  private Lines() {}

  static Line next(ImportInput input, ListSink sink) throws IOException {
    while (true) {
      try {
        return input.next();
      } catch (ImportInput.BadLine bad) {
        sink.invalid(bad.line(), null, bad.getMessage());
      }
    }
  }
}
