package dev.detour.watch.io;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Guesses an upload's format from its first bytes, leaving the stream where it was. */
public final class FormatDetector {

  public static final int PEEK = 16 * 1024;

  private static final Pattern ROUTEROS =
      Pattern.compile(
          "(?m)^\\s*(/ip(v6)? (route|firewall address-list)\\b|add .*\\b(dst-)?address=)");
  private static final Pattern REGISTRY =
      Pattern.compile("(?m)^(Updated: |[^;\\n]*;[^;\\n]*;[^;\\n]*;[^;\\n]*;[^;\\n]*;)");

  private FormatDetector() {}

  /** Whether the upload starts as a gzip stream does (RFC 1952: 1f 8b, deflate). */
  public static boolean gzip(byte[] head) {
    return head.length >= 3 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b && head[2] == 8;
  }

  /**
   * What binary file the upload is, in words ("a zip archive"), or null when it may be text: known
   * signatures first, then NUL bytes (which no list has, unless it is UTF-16 with its mark).
   */
  public static String binary(byte[] head) {
    String[][] signatures = {
      {"504b0304", "a zip archive"},
      {"fd377a585a00", "an xz archive"},
      {"377abcaf271c", "a 7-Zip archive"},
      {"526172211a07", "a RAR archive"},
      {"25504446", "a PDF document"},
      {"89504e47", "a PNG image"},
      {"ffd8ff", "a JPEG image"},
      {"7f454c46", "an executable (ELF)"},
      {"d0cf11e0", "an old Office document"},
      {"53514c69746520666f726d6174", "an SQLite database"},
    };
    StringBuilder hex = new StringBuilder();
    for (int i = 0; i < Math.min(head.length, 16); i++) {
      hex.append(String.format("%02x", head[i] & 0xff));
    }
    for (String[] s : signatures) {
      if (hex.toString().startsWith(s[0])) {
        return s[1];
      }
    }
    // "BZh", a block size, then the block's magic number: a text may start "BZh" too (and an
    // executable's two-letter "MZ" is left to the NUL bytes below, for "MZA.example" is a name).
    if (hex.toString().matches("425a683[1-9]314159265359.*")) {
      return "a bzip2 archive";
    }
    boolean utf16 =
        head.length >= 2
            && ((head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe
                || (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff);
    int[] nuls = new int[2];
    for (int i = 0; i < head.length; i++) {
      if (head[i] == 0) {
        nuls[i % 2]++;
      }
    }
    int all = nuls[0] + nuls[1];
    // UTF-16 text without its mark: a NUL in every other byte, the reader says what to do.
    boolean utf16Text = all > head.length / 4 && Math.max(nuls[0], nuls[1]) >= all * 9 / 10;
    return all == 0 || utf16 || utf16Text ? null : "binary data (it holds NUL bytes)";
  }

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
