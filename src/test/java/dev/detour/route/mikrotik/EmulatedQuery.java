package dev.detour.route.mikrotik;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * RouterOS's print query, as the API manual's "Queries" section defines it and both the API ({@code
 * ?word}) and REST ({@code .query} words, without the {@code ?}) take it: a stack of booleans, at
 * first infinitely many {@code true}, that each word pushes onto or works on; an entry matches when
 * no {@code false} is left.
 *
 * <ul>
 *   <li>{@code name}: whether the entry has the property; {@code -name}: whether it has not;
 *   <li>{@code name=x} or {@code =name=x}: equal; {@code <name=x}, {@code >name=x}: less, greater
 *       (as numbers when both are, else as text);
 *   <li>{@code #ops}, left to right: an index (0 is the top) followed by more pushes a copy of that
 *       value, at the end of the word replaces every value with it; {@code !} negates the top,
 *       {@code &} and {@code |} pop two and push their and, or; {@code .} after an index does
 *       nothing, after anything else pushes a copy of the top.
 * </ul>
 */
final class EmulatedQuery {

  private final List<String> words;

  /** The query's words, each without its {@code ?}. */
  EmulatedQuery(List<String> words) {
    this.words = List.copyOf(words);
  }

  /**
   * The {@code name=value} words, when every one of them must hold for a match (there are no {@code
   * #} operations): what the router's own print can be asked for before the whole query is
   * evaluated, so that a large table is not made whole; none otherwise.
   */
  Map<String, String> necessary() {
    Map<String, String> equal = new LinkedHashMap<>();
    for (String word : words) {
      if (word.startsWith("#")) {
        return Map.of();
      }
      String plain = word.startsWith("=") ? word.substring(1) : word;
      if (!plain.startsWith("-")
          && !plain.startsWith("<")
          && !plain.startsWith(">")
          && plain.contains("=")) {
        String[] pair = pair(plain);
        equal.put(pair[0], pair[1]);
      }
    }
    return equal;
  }

  /**
   * Whether {@code entry} matches.
   *
   * @throws RouterOsEmulator.Refusal for a word RouterOS would not take
   */
  boolean matches(Map<String, String> entry) throws RouterOsEmulator.Refusal {
    Stack stack = new Stack();
    for (String word : words) {
      if (word.startsWith("#")) {
        operations(stack, word.substring(1));
      } else if (word.startsWith("-")) {
        stack.push(!entry.containsKey(word.substring(1)));
      } else if (word.startsWith("<") || word.startsWith(">")) {
        String[] pair = pair(word.substring(1));
        String value = entry.get(pair[0]);
        int order = value == null ? 0 : compare(value, pair[1]);
        stack.push(value != null && (word.charAt(0) == '<' ? order < 0 : order > 0));
      } else if (word.contains("=")) {
        String[] pair = pair(word.startsWith("=") ? word.substring(1) : word);
        stack.push(pair[1].equals(entry.get(pair[0])));
      } else if (word.isEmpty()) {
        throw new RouterOsEmulator.Refusal(false, "invalid query");
      } else {
        stack.push(entry.containsKey(word));
      }
    }
    return stack.allTrue();
  }

  private static void operations(Stack stack, String ops) throws RouterOsEmulator.Refusal {
    int i = 0;
    while (i < ops.length()) {
      char c = ops.charAt(i);
      if (Character.isDigit(c)) {
        int start = i;
        while (i < ops.length() && Character.isDigit(ops.charAt(i))) {
          i++;
        }
        boolean value = stack.at(Integer.parseInt(ops.substring(start, i)));
        if (i == ops.length()) {
          stack.replaceAll(value);
        } else {
          stack.push(value);
          if (ops.charAt(i) == '.') {
            i++;
          }
        }
        continue;
      }
      switch (c) {
        case '!' -> stack.push(!stack.pop());
        case '&' -> {
          boolean a = stack.pop();
          boolean b = stack.pop();
          stack.push(a && b);
        }
        case '|' -> {
          boolean a = stack.pop();
          boolean b = stack.pop();
          stack.push(a || b);
        }
        case '.' -> stack.push(stack.at(0));
        default -> throw new RouterOsEmulator.Refusal(false, "invalid query operation " + c);
      }
      i++;
    }
  }

  private static String[] pair(String word) {
    String[] pair = word.split("=", 2);
    return pair.length == 2 ? pair : new String[] {pair[0], ""};
  }

  private static int compare(String value, String than) {
    try {
      return Long.compare(Long.parseLong(value), Long.parseLong(than));
    } catch (NumberFormatException e) {
      return value.compareTo(than);
    }
  }

  /** The booleans pushed, over infinitely many copies of {@link #rest}. */
  private static final class Stack {
    private final Deque<Boolean> values = new ArrayDeque<>();
    private boolean rest = true;

    void push(boolean value) {
      values.push(value);
    }

    boolean pop() {
      return values.isEmpty() ? rest : values.pop();
    }

    boolean at(int index) {
      int i = 0;
      for (boolean value : values) {
        if (i++ == index) {
          return value;
        }
      }
      return rest;
    }

    void replaceAll(boolean value) {
      values.clear();
      rest = value;
    }

    boolean allTrue() {
      return rest && !values.contains(false);
    }
  }
}
