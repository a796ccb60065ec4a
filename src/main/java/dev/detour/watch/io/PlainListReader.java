package dev.detour.watch.io;

import java.io.IOException;

/**
 * Plain lists: one target per line, {@code #} starts a comment. Covers Telegram's {@code cidr.txt}
 * and the antifilter / Re:filter {@code .lst} files. A comment after an entry becomes its note.
 */
public final class PlainListReader implements ListReader {

  @Override
  public void read(ImportInput input, ListSink sink) throws IOException {
    Line line;
    while ((line = Lines.next(input, sink)) != null) {
      String text = line.text();
      int hash = text.indexOf('#');
      String note = null;
      if (hash >= 0) {
        note = text.substring(hash + 1).strip();
        text = text.substring(0, hash);
      }
      text = text.strip();
      if (text.isEmpty()) {
        continue;
      }
      sink.entry(
          ListEntry.of(line.number(), text, null, note == null || note.isEmpty() ? null : note));
    }
  }
}
