package dev.detour.route.linux;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.route.RouterException;
import dev.detour.route.RouterSettings;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The {@code ip rule} that sends forwarded traffic to Detour's table, kept for {@link
 * LinuxBackend}: checked at every list, selector and priority included, and mended when missing or
 * wrong.
 */
final class LinuxRule {

  private static final Logger LOG = Logger.getLogger(LinuxRule.class);
  static final int RULE_PRIORITY = 20000;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RouterSettings settings;
  private final RuleSelector rule;

  LinuxRule(RouterSettings settings) {
    this.settings = settings;
    this.rule = RuleSelector.parse(settings.linuxRule());
  }

  /**
   * Keeps the rule that sends forwarded traffic to Detour's table — {@code linux-rule} at priority
   * 20000, in each family — unless the table is {@code main} or the rule is switched off ({@code
   * linux-rule=none}). Checked at every list, so a rule deleted or changed by hand is back by the
   * next sync; the table is Detour's, so every other rule that looks it up is taken for Detour's
   * own gone wrong and replaced: the right one added first, the wrong one deleted after, and both
   * logged.
   */
  void keep() throws RouterException {
    String table = settings.routingTable();
    if (settings.linuxRule().equals("none") || table.equals("main") || table.equals("254")) {
      return;
    }
    for (String family : List.of("-4", "-6")) {
      // A wrong rule whose selector is part of the right one's, at the same priority, cannot be
      // named apart from it (the kernel takes the first that matches a deletion): a second round
      // mends what the first deleted in its place.
      for (int round = 0; ; round++) {
        List<JsonNode> rules = rules(family);
        JsonNode right = null;
        List<JsonNode> wrong = new ArrayList<>();
        for (JsonNode r : rules) {
          if (right == null && r.path("priority").asInt(-1) == RULE_PRIORITY && rule.matches(r)) {
            right = r;
          } else {
            wrong.add(r);
          }
        }
        if (right != null && wrong.isEmpty()) {
          break;
        }
        if (round == 4) {
          throw new RouterException(
              RouterException.Kind.REJECTED,
              "cannot keep the rule " + ruleText() + " alone for table " + table);
        }
        if (right == null) {
          addRule(family, wrong);
          continue;
        }
        for (JsonNode w : wrong) {
          List<String> command = new ArrayList<>(List.of(family, "rule", "del"));
          command.addAll(RuleSelector.wordsOf(w));
          command.addAll(List.of("lookup", table, "pref", w.path("priority").asText()));
          IpCommand.Result deleted = ip(command.toArray(String[]::new));
          if (deleted.status() != 0) {
            if (deleted.output().contains("No such file")) {
              continue;
            }
            throw new RouterException(
                RouterException.Kind.REJECTED,
                "cannot delete the rule " + text(w) + ": " + deleted.output());
          }
          LOG.infof(
              "%s: deleted the rule %s (%s), which is not Detour's %s",
              settings.name(), text(w), ipv(family), ruleText());
        }
      }
    }
  }

  /**
   * Adds Detour's rule. The kernel takes a rule that differs from one it has only by {@code not}
   * for the same ({@code File exists}): then the wrong ones go first, and the rule is missing for a
   * moment.
   */
  private void addRule(String family, List<JsonNode> wrong) throws RouterException {
    List<String> command = new ArrayList<>(List.of(family, "rule", "add"));
    command.addAll(rule.words());
    command.addAll(
        List.of("lookup", settings.routingTable(), "pref", Integer.toString(RULE_PRIORITY)));
    IpCommand.Result added = ip(command.toArray(String[]::new));
    if (added.status() != 0 && added.output().contains("File exists") && !wrong.isEmpty()) {
      for (JsonNode w : wrong) {
        List<String> del = new ArrayList<>(List.of(family, "rule", "del"));
        del.addAll(RuleSelector.wordsOf(w));
        del.addAll(List.of("lookup", settings.routingTable(), "pref", w.path("priority").asText()));
        ip(del.toArray(String[]::new));
      }
      added = ip(command.toArray(String[]::new));
    }
    if (added.status() != 0) {
      throw new RouterException(
          RouterException.Kind.REJECTED,
          "cannot add the rule " + ruleText() + " (" + ipv(family) + "): " + added.output());
    }
    LOG.infof(
        "%s: added the rule %s (%s)%s",
        settings.name(),
        ruleText(),
        ipv(family),
        wrong.isEmpty() ? ", which was missing" : " in place of " + texts(wrong));
  }

  /** The rules of either family that look up Detour's table, as {@code ip -j rule show} prints. */
  private List<JsonNode> rules(String family) throws RouterException {
    IpCommand.Result r = ip(family, "-j", "rule", "show", "table", settings.routingTable());
    if (r.status() != 0) {
      throw new RouterException(RouterException.Kind.UNREACHABLE, "ip rule: " + r.output());
    }
    try {
      List<JsonNode> rules = new ArrayList<>();
      JSON.readTree(r.output().isEmpty() ? "[]" : r.output()).forEach(rules::add);
      return rules;
    } catch (IOException e) {
      throw new RouterException(RouterException.Kind.PROTOCOL, "cannot read ip rule's output");
    }
  }

  private String ruleText() {
    return rule + " lookup " + settings.routingTable() + " pref " + RULE_PRIORITY;
  }

  private String text(JsonNode rule) {
    return String.join(" ", RuleSelector.wordsOf(rule))
        + " lookup "
        + settings.routingTable()
        + " pref "
        + rule.path("priority").asText();
  }

  private String texts(List<JsonNode> rules) {
    return String.join(", ", rules.stream().map(this::text).toList());
  }

  private static String ipv(String family) {
    return family.equals("-4") ? "IPv4" : "IPv6";
  }

  private IpCommand.Result ip(String... args) throws RouterException {
    List<String> command = new ArrayList<>();
    command.add("ip");
    command.addAll(List.of(args));
    return IpCommand.run(command, settings.timeout());
  }
}
