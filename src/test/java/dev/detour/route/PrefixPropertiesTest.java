package dev.detour.route;

import static org.assertj.core.api.Assertions.assertThat;

import dev.detour.targets.InvalidTargetException;
import dev.detour.targets.ParsedTarget;
import dev.detour.targets.TargetParser;
import inet.ipaddr.IPAddress;
import java.math.BigInteger;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Address parsing and prefix math under random input: what every importer, the planner and the
 * route diff stand on. Normal forms are fixed points, subtraction loses and invents no address, and
 * no text — however hostile — makes a parser fail any other way than with its own message.
 */
class PrefixPropertiesTest {

  private final TargetParser parser = new TargetParser(8, 32);

  @Provide
  Arbitrary<String> ipv4Prefixes() {
    Arbitrary<Integer> octet = Arbitraries.integers().between(0, 255);
    return Combinators.combine(octet, octet, octet, octet, Arbitraries.integers().between(0, 32))
        .as((a, b, c, d, len) -> a + "." + b + "." + c + "." + d + "/" + len);
  }

  @Provide
  Arbitrary<String> ipv6Prefixes() {
    Arbitrary<String> group = Arbitraries.integers().between(0, 0xffff).map(Integer::toHexString);
    return Combinators.combine(group.list().ofSize(8), Arbitraries.integers().between(0, 128))
        .as((groups, len) -> String.join(":", groups) + "/" + len);
  }

  @Property(tries = 2000)
  void theNormalFormIsAFixedPointAndHoldsTheAddress(@ForAll("ipv4Prefixes") String text) {
    String normal = Prefixes.normalise(text);
    assertThat(Prefixes.normalise(normal)).isEqualTo(normal);
    IPAddress prefix = Prefixes.parse(normal);
    IPAddress address = Prefixes.parse(text.substring(0, text.indexOf('/')));
    assertThat(prefix.contains(address)).as("%s holds %s", normal, address).isTrue();
    assertThat(prefix.getPrefixLength())
        .isEqualTo(Integer.parseInt(text.substring(text.indexOf('/') + 1)));
  }

  @Property(tries = 1000)
  void ipv6NormalFormsAreFixedPointsToo(@ForAll("ipv6Prefixes") String text) {
    String normal = Prefixes.normalise(text);
    assertThat(Prefixes.normalise(normal)).isEqualTo(normal);
    assertThat(normal).isEqualTo(normal.toLowerCase(java.util.Locale.ROOT));
  }

  @Property(tries = 2000)
  void subtractionKeepsEveryAddressButTheCutOnes(
      @ForAll("ipv4Prefixes") String whole, @ForAll("ipv4Prefixes") String cut) {
    IPAddress piece = Prefixes.parse(whole);
    IPAddress hole = Prefixes.parse(cut);
    List<IPAddress> left = Prefixes.subtract(List.of(piece), hole);
    BigInteger kept = BigInteger.ZERO;
    for (IPAddress p : left) {
      assertThat(piece.contains(p)).as("%s inside %s", p, piece).isTrue();
      assertThat(p.overlaps(hole)).as("%s outside %s", p, hole).isFalse();
      assertThat(p.isPrefixBlock()).isTrue();
      kept = kept.add(p.getCount());
    }
    BigInteger removed =
        piece.contains(hole)
            ? hole.getCount()
            : hole.contains(piece) ? piece.getCount() : BigInteger.ZERO;
    assertThat(kept.add(removed)).isEqualTo(piece.getCount());
    for (int i = 0; i < left.size(); i++) {
      for (int j = i + 1; j < left.size(); j++) {
        assertThat(left.get(i).overlaps(left.get(j))).isFalse();
      }
    }
  }

  @Property(tries = 5000)
  void anyTextIsAPrefixOrAClearRefusal(@ForAll String text) {
    try {
      assertThat(Prefixes.parse(text).isPrefixBlock()).isTrue();
    } catch (IllegalArgumentException refused) {
      assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(2500);
    }
  }

  @Provide
  Arbitrary<String> targetLike() {
    // Strings made of what targets are made of, so the parser's deeper paths are reached.
    return Arbitraries.strings()
        .withChars("0123456789abcdefxyz.:/-_[]%@ *?#")
        .withChars('\u0430', '\u00e9', '\t', '\n')
        .ofMinLength(0)
        .ofMaxLength(80)
        .injectDuplicates(0.1);
  }

  @Property(tries = 5000)
  void anyTargetIsParsedOrRefusedWithItsReason(@ForAll("targetLike") String text) {
    targetOrRefusal(text);
  }

  @Property(tries = 3000)
  void anyUnicodeTargetIsParsedOrRefusedWithItsReason(@ForAll String text) {
    targetOrRefusal(text);
  }

  private void targetOrRefusal(String text) {
    try {
      ParsedTarget parsed = parser.parse(text);
      String value = parsed.target().value();
      assertThat(value).isNotBlank();
      // A normal form parses to itself: stored targets never change spelling on a re-import.
      assertThat(parser.parse(value).target()).isEqualTo(parsed.target());
    } catch (InvalidTargetException refused) {
      assertThat(refused.getMessage()).isNotBlank().hasSizeLessThan(2500);
    }
  }
}
