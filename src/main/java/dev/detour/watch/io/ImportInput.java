package dev.detour.watch.io;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * An uploaded list as lines of text, read as it streams in.
 *
 * <p>Users' lists come in whatever encoding their tool wrote: the registry dump is windows-1251,
 * newer lists UTF-8, Windows editors UTF-16 with a BOM. A declared charset is decoded strictly, so
 * a wrong declaration is reported with its line rather than stored as mojibake. Without one, each
 * line is read as UTF-8 if it is valid UTF-8 and as windows-1251 otherwise, and a UTF-16 BOM
 * switches the whole file to UTF-16. Lines longer than {@link #MAX_LINE} are reported and skipped,
 * so a binary upload cannot make one huge string.
 */
public final class ImportInput {

  /** Longest line accepted, in bytes (a registry row with many addresses fits easily). */
  public static final int MAX_LINE = 64 * 1024;

  static final Charset WINDOWS_1251 = Charset.forName("windows-1251");

  private final InputStream in;
  private final Charset declared;
  private BufferedReader utf16;
  private final CharsetDecoder utf8 = strict(StandardCharsets.UTF_8);
  private final CharsetDecoder declaredDecoder;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private int number;
  private boolean started;
  private boolean eof;

  /**
   * @param in the upload, already limited in size and buffered
   * @param declared the charset the client declared, or null to detect it per line
   */
  public ImportInput(InputStream in, Charset declared) {
    this.in = in;
    this.declared = declared;
    this.declaredDecoder = declared == null ? null : strict(declared);
  }

  /** How many lines have been read so far. */
  public int lines() {
    return number;
  }

  /** The raw stream, for formats that parse bytes themselves (JSON). */
  public InputStream stream() {
    return in;
  }

  /**
   * The next line, or null at the end. A line that cannot be decoded throws {@link BadLine}; the
   * caller reports it and may go on to the next.
   */
  public Line next() throws IOException {
    if (!started) {
      started = true;
      startWithBom();
    }
    if (utf16 != null) {
      return nextUtf16();
    }
    if (eof) {
      return null;
    }
    buffer.reset();
    boolean tooLong = false;
    boolean nul = false;
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b == 0) {
        nul = true;
      }
      if (buffer.size() < MAX_LINE) {
        buffer.write(b);
      } else {
        tooLong = true;
      }
    }
    if (b < 0) {
      eof = true;
      if (buffer.size() == 0 && !tooLong) {
        return null;
      }
    }
    number++;
    if (tooLong) {
      throw new BadLine(number, "line is longer than " + MAX_LINE + " bytes");
    }
    if (nul) {
      throw new BadLine(
          number,
          "line holds NUL bytes: the file looks binary or UTF-16 without a BOM; send it as UTF-8"
              + " or windows-1251 text");
    }
    byte[] bytes = buffer.toByteArray();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    return new Line(number, decode(bytes, length));
  }

  private void startWithBom() throws IOException {
    in.mark(3);
    int b0 = in.read();
    int b1 = in.read();
    int b2 = in.read();
    in.reset();
    if (b0 == 0xEF && b1 == 0xBB && b2 == 0xBF) {
      in.skip(3);
    } else if ((b0 == 0xFF && b1 == 0xFE) || (b0 == 0xFE && b1 == 0xFF)) {
      if (declared != null && !declared.name().startsWith("UTF-16")) {
        throw new BadLine(
            1,
            "the file starts with a UTF-16 byte order mark but was declared "
                + declared.name()
                + "; declare charset=utf-16 or send it without a charset");
      }
      utf16 = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_16));
    } else if (declared != null && declared.name().startsWith("UTF-16")) {
      utf16 = new BufferedReader(new InputStreamReader(in, declared));
    }
  }

  private Line nextUtf16() throws IOException {
    String text = utf16.readLine();
    if (text == null) {
      return null;
    }
    number++;
    if (text.length() > MAX_LINE) {
      throw new BadLine(number, "line is longer than " + MAX_LINE + " characters");
    }
    return new Line(number, text);
  }

  private String decode(byte[] bytes, int length) throws BadLine {
    ByteBuffer data = ByteBuffer.wrap(bytes, 0, length);
    if (declared != null) {
      try {
        return declaredDecoder.decode(data).toString();
      } catch (CharacterCodingException e) {
        throw new BadLine(
            number,
            "line is not valid "
                + declared.name()
                + " although the request declared it; registry dumps are usually windows-1251:"
                + " declare that charset, or none and let Detour tell UTF-8 from windows-1251");
      }
    }
    try {
      return utf8.decode(data).toString();
    } catch (CharacterCodingException e) {
      data.rewind();
      return WINDOWS_1251.decode(data).toString();
    }
  }

  private static CharsetDecoder strict(Charset charset) {
    return charset
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  /** A line that cannot be read at all; the reading may go on with the next line. */
  public static final class BadLine extends IOException {
    private final int line;

    public BadLine(int line, String message) {
      super(message, null);
      this.line = line;
    }

    public int line() {
      return line;
    }
  }
}
