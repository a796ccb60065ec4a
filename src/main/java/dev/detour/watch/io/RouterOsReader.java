package dev.detour.watch.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A RouterOS export ({@code /export} or a hand-written script) such as the seed's {@code /ip route
 * add comment=telegram dst-address=149.154.164.0/22 gateway=gre-tunnel1}. Routes of {@code /ip
 * route} and {@code /ipv6 route} become entries whose group is the route's comment; entries of an
 * {@code address-list} take the list's name as group and the comment as note. {@code disabled=yes}
 * imports the entry disabled. Every other menu of an export is passed over.
 */
public final class RouterOsReader implements ListReader {

  private static final List<String> ROUTE_MENUS = List.of("/ip route", "/ipv6 route");
  private static final List<String> LIST_MENUS =
      List.of("/ip firewall address-list", "/ipv6 firewall address-list");

  @Override
  public void read(ImportInput input, ListSink sink) throws IOException {
    String menu = null;
    Line line;
    while ((line = Lines.next(input, sink)) != null) {
      int first = line.number();
      StringBuilder command = new StringBuilder(line.text().strip());
      while (command.length() > 0 && command.charAt(command.length() - 1) == '\\') {
        command.setLength(command.length() - 1);
        Line more = Lines.next(input, sink);
        if (more == null) {
          break;
        }
        command.append(more.text().strip());
      }
      String text = command.toString().strip();
      if (text.isEmpty() || text.startsWith("#") || text.startsWith(":")) {
        continue;
      }
      List<String> words;
      try {
        words = split(text);
      } catch (IllegalArgumentException e) {
        sink.invalid(first, text, e.getMessage());
        continue;
      }
      int at = 0;
      if (words.get(0).startsWith("/")) {
        StringBuilder path = new StringBuilder();
        while (at < words.size() && !words.get(at).contains("=") && !isCommand(words.get(at))) {
          path.append(path.isEmpty() ? "" : " ").append(words.get(at));
          at++;
        }
        menu = path.toString();
      }
      if (at >= words.size() || !"add".equals(words.get(at)) || menu == null) {
        continue;
      }
      Map<String, String> args = new LinkedHashMap<>();
      for (String word : words.subList(at + 1, words.size())) {
        int eq = word.indexOf('=');
        if (eq > 0) {
          args.put(word.substring(0, eq), word.substring(eq + 1));
        }
      }
      Boolean enabled = "yes".equals(args.get("disabled")) ? Boolean.FALSE : null;
      if (ROUTE_MENUS.contains(menu)) {
        String dst = args.get("dst-address");
        if (dst == null) {
          sink.invalid(first, text, "route has no dst-address");
          continue;
        }
        sink.entry(new ListEntry(first, dst, args.get("comment"), null, null, null, null, enabled));
      } else if (LIST_MENUS.contains(menu)) {
        String address = args.get("address");
        if (address == null) {
          sink.invalid(first, text, "address-list entry has no address");
          continue;
        }
        sink.entry(
            new ListEntry(
                first, address, args.get("list"), args.get("comment"), null, null, null, enabled));
      }
    }
  }

  private static boolean isCommand(String word) {
    return switch (word) {
      case "add", "set", "remove", "print", "export", "enable", "disable", "find" -> true;
      default -> false;
    };
  }

  /**
   * Splits a command into words, undoing RouterOS quoting ({@code "a b"}, {@code \"}, {@code \D0}).
   */
  static List<String> split(String text) {
    List<String> words = new ArrayList<>();
    ByteArrayOutputStream word = new ByteArrayOutputStream();
    boolean quoted = false;
    boolean any = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"') {
        quoted = !quoted;
        any = true;
      } else if (c == '\\' && i + 1 < text.length()) {
        char e = text.charAt(++i);
        if (isHex(e) && i + 1 < text.length() && isHex(text.charAt(i + 1))) {
          word.write(Integer.parseInt(text.substring(i, i + 2), 16));
          i++;
        } else {
          appendChar(word, e == '_' ? ' ' : e == 'n' ? '\n' : e);
        }
        any = true;
      } else if (Character.isWhitespace(c) && !quoted) {
        if (any) {
          words.add(decode(word));
          word.reset();
          any = false;
        }
      } else {
        appendChar(word, c);
        any = true;
      }
    }
    if (quoted) {
      throw new IllegalArgumentException("a quoted value is not closed (missing '\"')");
    }
    if (any) {
      words.add(decode(word));
    }
    return words;
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f');
  }

  private static void appendChar(ByteArrayOutputStream out, char c) {
    byte[] bytes = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
    out.write(bytes, 0, bytes.length);
  }

  /** RouterOS writes non-ASCII bytes as hex escapes in the router's code page, often UTF-8. */
  private static String decode(ByteArrayOutputStream word) {
    byte[] bytes = word.toByteArray();
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return new String(bytes, ImportInput.WINDOWS_1251);
    }
  }
}
