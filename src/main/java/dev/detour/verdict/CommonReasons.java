package dev.detour.verdict;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Reasons that many watches give word for word ("port 443: open"), held once: every watch keeps its
 * latest verdict, and at 100,000 watches a copy each was 5 MB that said the same thing.
 */
public final class CommonReasons {

  /** Distinct common reasons are few (ports × outcomes); past this, none are added. */
  static final int MAX = 4096;

  private static final ConcurrentHashMap<String, String> KNOWN = new ConcurrentHashMap<>();

  private CommonReasons() {}

  /** The one copy of {@code text}. */
  public static String common(String text) {
    String known = KNOWN.get(text);
    if (known != null) {
      return known;
    }
    if (KNOWN.size() >= MAX) {
      return text;
    }
    String raced = KNOWN.putIfAbsent(text, text);
    return raced == null ? text : raced;
  }
}
