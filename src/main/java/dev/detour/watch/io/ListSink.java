package dev.detour.watch.io;

/** Where a {@link ListReader} puts what it reads, line by line. */
public interface ListSink {

  void entry(ListEntry entry);

  /** A line that cannot be imported, with the reason in words the user can act on. */
  void invalid(int line, String text, String reason);

  /** Something the user should know that does not stop the line from being imported. */
  void warning(int line, String message);
}
