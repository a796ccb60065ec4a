package dev.detour.targets;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.util.ArrayList;
import java.util.List;

/**
 * "Which watch covers this address": the targets, written as watches store them (canonical), that
 * hold an address — the address itself and each prefix block around it, /0 to /32 (or /128). A
 * search for {@code 149.154.164.5} then finds the watch {@code 149.154.164.0/22} by equality on the
 * stored target, in the same query as the text match, rather than by parsing every stored prefix.
 */
public final class Covering {

  private Covering() {}

  /** The targets that hold {@code text}, or an empty list when it is not a single IP address. */
  public static List<String> targets(String text) {
    if (text == null || text.isBlank()) {
      return List.of();
    }
    IPAddress address = new IPAddressString(text.strip(), TargetParser.STRICT).getAddress();
    if (address == null
        || (address.getNetworkPrefixLength() != null
            && address.getNetworkPrefixLength() != address.getBitCount())) {
      return List.of();
    }
    IPAddress single = address.withoutPrefixLength();
    int bits = single.getBitCount();
    List<String> targets = new ArrayList<>(bits + 2);
    targets.add(single.toCanonicalString());
    for (int length = 0; length < bits; length++) {
      targets.add(single.setPrefixLength(length, false).toPrefixBlock().toCanonicalString());
    }
    return targets;
  }
}
