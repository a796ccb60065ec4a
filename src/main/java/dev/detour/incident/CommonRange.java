package dev.detour.incident;

import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import java.math.BigInteger;
import java.util.List;

/**
 * The smallest prefix that holds every one of a mass block's targets — "all in 149.154.160.0/20" —
 * when they are all addresses or prefixes of one family and share at least a /8 (or a /32 of IPv6);
 * otherwise none: a range that spans half the Internet names nothing.
 */
final class CommonRange {

  private CommonRange() {}

  static String of(List<String> targets) {
    BigInteger low = null;
    BigInteger high = null;
    Integer bits = null;
    for (String t : targets) {
      IPAddress a = t == null ? null : new IPAddressString(t).getAddress();
      if (a == null) {
        return null;
      }
      if (bits != null && bits != a.getBitCount()) {
        return null;
      }
      bits = a.getBitCount();
      BigInteger lower = a.getLower().getValue();
      BigInteger upper = a.toPrefixBlock().getUpper().getValue();
      low = low == null ? lower : low.min(lower);
      high = high == null ? upper : high.max(upper);
    }
    if (bits == null) {
      return null;
    }
    int differing = low.xor(high).bitLength();
    int prefix = bits - differing;
    if (prefix < (bits == 32 ? 8 : 32)) {
      return null;
    }
    IPAddress any = new IPAddressString(targets.get(0)).getAddress();
    return any.toPrefixBlock(prefix).toCanonicalString();
  }
}
