package dev.detour.route;

import dev.detour.targets.TargetParser;
import inet.ipaddr.AddressStringException;
import inet.ipaddr.IPAddress;
import inet.ipaddr.IPAddressString;
import inet.ipaddr.IncompatibleAddressException;
import java.util.ArrayList;
import java.util.List;

/** CIDR text as Detour writes it on both sides of a diff: what RouterOS and {@code ip} do too. */
public final class Prefixes {

  private Prefixes() {}

  /**
   * {@code 1.2.3.4} → {@code 1.2.3.4/32}, {@code 10.1.2.3/8} → {@code 10.0.0.0/8}, IPv6 compressed
   * and lower case.
   *
   * @throws IllegalArgumentException naming the text when it is no address or prefix
   */
  public static String normalise(String text) {
    return parse(text).toCanonicalString();
  }

  /** The prefix (host bits cleared) or single address (as a full-length prefix) in {@code text}. */
  public static IPAddress parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("an address or prefix is needed, e.g. 149.154.164.0/22");
    }
    try {
      IPAddress address = new IPAddressString(text.strip(), TargetParser.STRICT).toAddress();
      if (!address.isMultiple() && address.getPrefixLength() == null) {
        return address.setPrefixLength(address.getBitCount(), false);
      }
      if (address.getPrefixLength() == null) {
        throw new IllegalArgumentException(
            "'" + text.strip() + "' is a range, not a prefix: write it as CIDR, e.g. 10.0.0.0/8");
      }
      return address.toPrefixBlock();
    } catch (AddressStringException | IncompatibleAddressException e) {
      throw new IllegalArgumentException(
          "'"
              + text.strip()
              + "' is no address or prefix (e.g. 149.154.164.0/22 or 2001:db8::/32)");
    }
  }

  /** What is left of {@code pieces} without {@code cut}, as prefixes (other families untouched). */
  public static List<IPAddress> subtract(List<IPAddress> pieces, IPAddress cut) {
    List<IPAddress> left = new ArrayList<>();
    for (IPAddress piece : pieces) {
      if (piece.isIPv4() != cut.isIPv4()) {
        left.add(piece);
        continue;
      }
      IPAddress[] rest = piece.subtract(cut);
      if (rest != null) {
        for (IPAddress r : rest) {
          left.addAll(List.of(r.spanWithPrefixBlocks()));
        }
      }
    }
    return left;
  }
}
