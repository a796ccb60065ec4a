package dev.detour.watch.io;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The blocking registry dump ({@code ip;domain;url;authority;decision;date}, windows-1251, several
 * addresses in the first field separated by {@code |}), as published by zapret-info. Every address
 * and the domain of a row become entries; the authority, decision and date become the note. The
 * first line may be the dump's {@code Updated:} stamp.
 */
public final class RegistryCsvReader implements ListReader {

  static final int FIELDS = 6;

  @Override
  public void read(ImportInput input, ListSink sink) throws IOException {
    Line line;
    while ((line = Lines.next(input, sink)) != null) {
      String text = line.text();
      if (text.isBlank() || (line.number() == 1 && text.startsWith("Updated:"))) {
        continue;
      }
      String[] fields = text.split(";", -1);
      if (fields.length < FIELDS) {
        sink.invalid(
            line.number(),
            text,
            "expected "
                + FIELDS
                + " fields ip;domain;url;authority;decision;date separated by ';', found "
                + fields.length);
        continue;
      }
      // A URL may itself hold ';': the fixed fields are counted from both ends.
      int n = fields.length;
      String note = join(fields[n - 3], fields[n - 2], fields[n - 1]);
      Set<String> targets = new LinkedHashSet<>();
      for (String ip : fields[0].split("\\|")) {
        if (!ip.isBlank()) {
          targets.add(ip.strip());
        }
      }
      String domain = fields[1].strip();
      if (!domain.isEmpty()) {
        targets.add(domain);
      }
      if (targets.isEmpty()) {
        sink.invalid(line.number(), text, "row names neither an address nor a domain");
        continue;
      }
      for (String target : targets) {
        sink.entry(ListEntry.of(line.number(), target, null, note));
      }
    }
  }

  private static String join(String authority, String decision, String date) {
    StringBuilder note = new StringBuilder("registry");
    if (!decision.isBlank()) {
      note.append(": ").append(decision.strip());
    }
    if (!authority.isBlank() || !date.isBlank()) {
      note.append(" (").append(authority.strip());
      if (!date.isBlank()) {
        note.append(authority.isBlank() ? "" : ", ").append(date.strip());
      }
      note.append(')');
    }
    return note.toString();
  }
}
