package dev.detour.watch.io;

import java.io.IOException;

/** Reads one list format; one implementation per format, registered in {@link ListFormat}. */
public interface ListReader {

  void read(ImportInput input, ListSink sink) throws IOException;
}
