package dev.detour.watch.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Guesses an upload's format from its first bytes, leaving the stream where it was. */
public final class FormatDetector {

  static final int PEEK = 16 * 1024;

  private static final Pattern ROUTEROS =
      Pattern.compile(
          "(?m)^\\s*(/ip(v6)? (route|firewall address-list)\\b|add .*\\b(dst-)?address=)");
  private static final Pattern REGISTRY =
      Pattern.compile("(?m)^(Updated: |[^;\\n]*;[^;\\n]*;[^;\\n]*;[^;\\n]*;[^;\\n]*;)");

  private FormatDetector() {}

  public static ListFormat detect(BufferedInputStream in) throws IOException {
    in.mark(PEEK);
    byte[] head = in.readNBytes(PEEK);
    in.reset();
    // Latin-1 maps every byte to a char, so the patterns see ASCII whatever the encoding.
    String text = new String(head, StandardCharsets.ISO_8859_1);
    String start = text.stripLeading();
    if (start.startsWith("\u00ef\u00bb\u00bf")) {
      start = start.substring(3).stripLeading();
    }
    if (start.startsWith("[") || start.startsWith("{")) {
      return ListFormat.JSON;
    }
    if (ROUTEROS.matcher(text).find()) {
      return ListFormat.ROUTEROS;
    }
    if (REGISTRY.matcher(text).find()) {
      return ListFormat.REGISTRY_CSV;
    }
    return ListFormat.PLAIN;
  }
}
