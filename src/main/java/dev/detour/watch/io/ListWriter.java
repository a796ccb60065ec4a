package dev.detour.watch.io;

import java.io.IOException;

/** Writes watches in one export format, one at a time, so exports stream at any size. */
public interface ListWriter {

  void begin() throws IOException;

  void write(ExportedWatch watch) throws IOException;

  void end() throws IOException;
}
