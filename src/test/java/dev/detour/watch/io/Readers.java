package dev.detour.watch.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;

/** Runs a reader over bytes and keeps what it reported, for the reader tests. */
final class Readers implements ListSink {

  final List<ListEntry> entries = new ArrayList<>();
  final List<String> invalid = new ArrayList<>();
  final List<String> warnings = new ArrayList<>();

  static Readers read(ListFormat format, byte[] bytes) throws IOException {
    return read(format, new ByteArrayInputStream(bytes), null);
  }

  static Readers read(ListFormat format, InputStream in, Charset declared) throws IOException {
    Readers sink = new Readers();
    format.reader().read(new ImportInput(new BufferedInputStream(in), declared), sink);
    return sink;
  }

  List<String> targets() {
    return entries.stream().map(ListEntry::target).toList();
  }

  @Override
  public void entry(ListEntry entry) {
    entries.add(entry);
  }

  @Override
  public void invalid(int line, String text, String reason) {
    invalid.add(line + ": " + reason);
  }

  @Override
  public void warning(int line, String message) {
    warnings.add(line + ": " + message);
  }
}
