package dev.detour.route.linux;

import com.fasterxml.jackson.databind.JsonNode;
import dev.detour.route.Prefixes;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The selector of the {@code ip rule} Detour keeps ({@code linux-rule}, e.g. {@code not iif lo}),
 * in a form that can be compared with a rule as {@code ip -j rule show} prints it ({@code
 * {"priority":20000,"not":null,"src":"all","iif":"lo","table":"1001"}}): each selector, its value
 * as the kernel keeps it ({@code from 192.0.2.7} is {@code 192.0.2.7/32}, {@code fwmark 5} is
 * {@code 0x5}).
 */
final class RuleSelector {

  /** What {@code ip -j rule show} prints besides the selector: never a difference. */
  private static final Set<String> NOT_SELECTORS =
      Set.of("priority", "table", "protocol", "iif_detached", "oif_detached");

  /** The few IP protocols a selector names; ip prints {@code /etc/protocols}'s names. */
  private static final Map<String, String> IP_PROTOCOLS =
      Map.of("icmp", "1", "tcp", "6", "udp", "17", "ipv6-icmp", "58", "sctp", "132");

  private final List<String> words;
  private final Map<String, String> wanted;

  private RuleSelector(List<String> words, Map<String, String> wanted) {
    this.words = words;
    this.wanted = wanted;
  }

  /** {@code linux-rule} as configured; a selector this class cannot read is kept as words. */
  static RuleSelector parse(String text) {
    List<String> words = List.of(text.strip().split("\\s+"));
    return new RuleSelector(words, canonical(words));
  }

  /** The words for {@code ip rule add}. */
  List<String> words() {
    return words;
  }

  /**
   * Whether the selector is one this class reads; if not, any rule for the table at the priority
   * counts as Detour's.
   */
  boolean understood() {
    return wanted != null;
  }

  /** Whether a rule {@code ip -j rule show} printed selects what this selector selects. */
  boolean matches(JsonNode rule) {
    return wanted == null || wanted.equals(printed(rule));
  }

  /** The selector of a printed rule, as words for {@code ip rule del}: it names that rule. */
  static List<String> wordsOf(JsonNode rule) {
    List<String> words = new ArrayList<>();
    if (rule.has("not")) {
      words.add("not");
    }
    address(rule, "src", "srclen").ifPresent(a -> words.addAll(List.of("from", a)));
    address(rule, "dst", "dstlen").ifPresent(a -> words.addAll(List.of("to", a)));
    for (String key : List.of("tos", "iif", "oif", "ipproto")) {
      if (rule.has(key)) {
        words.addAll(List.of(key, rule.path(key).asText()));
      }
    }
    if (rule.has("fwmark")) {
      words.add("fwmark");
      words.add(
          rule.path("fwmark").asText()
              + (rule.has("fwmask") ? "/" + rule.path("fwmask").asText() : ""));
    }
    if (rule.has("uid_start")) {
      words.addAll(
          List.of(
              "uidrange", rule.path("uid_start").asText() + "-" + rule.path("uid_end").asText()));
    }
    for (String port : List.of("sport", "dport")) {
      range(rule, port).ifPresent(r -> words.addAll(List.of(port, r)));
    }
    return words;
  }

  /** How {@code ip -j rule show} prints a rule's selector, compared as {@link #canonical} reads. */
  private static Map<String, String> printed(JsonNode rule) {
    Map<String, String> selector = new TreeMap<>();
    Iterator<String> keys = rule.fieldNames();
    while (keys.hasNext()) {
      String key = keys.next();
      String value = rule.path(key).asText();
      switch (key) {
        case "not" -> selector.put("not", "");
        case "src", "srclen" ->
            address(rule, "src", "srclen").ifPresent(a -> selector.put("from", a));
        case "dst", "dstlen" ->
            address(rule, "dst", "dstlen").ifPresent(a -> selector.put("to", a));
        case "iif", "oif" -> selector.put(key, value);
        case "tos" -> selector.put("tos", hex(value));
        case "fwmark", "fwmask" ->
            selector.put(
                "fwmark",
                mark(
                    rule.path("fwmark").asText() + "/" + rule.path("fwmask").asText("0xffffffff")));
        case "uid_start", "uid_end" ->
            selector.put(
                "uidrange", rule.path("uid_start").asText() + "-" + rule.path("uid_end").asText());
        case "ipproto" -> selector.put("ipproto", ipProtocol(value));
        case "sport", "sport_start", "sport_end" ->
            range(rule, "sport").ifPresent(r -> selector.put("sport", r));
        case "dport", "dport_start", "dport_end" ->
            range(rule, "dport").ifPresent(r -> selector.put("dport", r));
        default -> {
          if (!NOT_SELECTORS.contains(key)) {
            selector.put(key, value); // a selector Detour's rule never has: this is not it
          }
        }
      }
    }
    return selector;
  }

  /**
   * The selector of {@code words} as {@link #printed} reads a rule, or null for words it does not
   * know.
   */
  private static Map<String, String> canonical(List<String> words) {
    Map<String, String> selector = new TreeMap<>();
    try {
      for (int i = 0; i < words.size(); i++) {
        String word = words.get(i);
        if (word.equals("not")) {
          selector.put("not", "");
          continue;
        }
        if (i + 1 >= words.size()) {
          return null;
        }
        String value = words.get(++i);
        switch (word) {
          case "from", "to" -> {
            if (!value.equals("all")) {
              selector.put(word, Prefixes.normalise(value));
            }
          }
          case "iif", "dev" -> selector.put("iif", value);
          case "oif" -> selector.put("oif", value);
          case "tos", "dsfield" -> selector.put("tos", hex(value));
          case "fwmark" -> selector.put("fwmark", mark(value));
          case "uidrange" -> selector.put("uidrange", ports(value));
          case "ipproto" -> selector.put("ipproto", ipProtocol(value));
          case "sport", "dport" -> selector.put(word, ports(value));
          default -> {
            return null;
          }
        }
      }
    } catch (IllegalArgumentException e) {
      return null;
    }
    return selector;
  }

  private static Optional<String> address(JsonNode rule, String key, String length) {
    String a = rule.path(key).asText("all");
    if (a.equals("all") || a.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        Prefixes.normalise(rule.has(length) ? a + "/" + rule.path(length).asText() : a));
  }

  private static Optional<String> range(JsonNode rule, String port) {
    if (rule.has(port)) {
      return Optional.of(rule.path(port).asText());
    }
    if (rule.has(port + "_start")) {
      return Optional.of(
          ports(rule.path(port + "_start").asText() + "-" + rule.path(port + "_end").asText()));
    }
    return Optional.empty();
  }

  /** {@code 443}, {@code 1000-2000}; a range of one is that one. */
  private static String ports(String text) {
    String[] ends = text.split("-", 2);
    long low = Long.parseLong(ends[0]);
    long high = ends.length == 1 ? low : Long.parseLong(ends[1]);
    return low == high ? Long.toString(low) : low + "-" + high;
  }

  /** ip reads a TOS in hexadecimal, with or without {@code 0x}. */
  private static String hex(String text) {
    String digits = text.toLowerCase().startsWith("0x") ? text.substring(2) : text;
    return Long.toString(Long.parseLong(digits, 16));
  }

  /** {@code 5}, {@code 0x5/0xff}: ip reads C numbers; no mask is all bits. */
  private static String mark(String text) {
    String[] parts = text.split("/", 2);
    long mask = parts.length == 1 ? 0xffffffffL : Long.decode(parts[1]);
    return Long.decode(parts[0]) + "/" + mask;
  }

  private static String ipProtocol(String text) {
    String t = text.toLowerCase();
    if (t.startsWith("ipproto-")) {
      t = t.substring("ipproto-".length());
    }
    return IP_PROTOCOLS.getOrDefault(t, t);
  }

  @Override
  public String toString() {
    return String.join(" ", words);
  }
}
