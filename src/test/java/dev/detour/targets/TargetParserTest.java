package dev.detour.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TargetParserTest {

  private final TargetParser parser = new TargetParser(8, 16);

  private ParsedTarget parse(String raw) throws InvalidTargetException {
    return parser.parse(raw);
  }

  @Test
  void clearsHostBitsOfAPrefixAndSaysSo() throws Exception {
    ParsedTarget parsed = parse("149.154.164.1/22");
    assertThat(parsed.target()).isEqualTo(new Target(TargetKind.PREFIX, "149.154.164.0/22"));
    assertThat(parsed.warnings()).singleElement().asString().contains("149.154.164.0/22");
  }

  @Test
  void keepsACleanPrefixWithoutWarning() throws Exception {
    ParsedTarget parsed = parse("31.13.24.0/21");
    assertThat(parsed.target()).isEqualTo(new Target(TargetKind.PREFIX, "31.13.24.0/21"));
    assertThat(parsed.warnings()).isEmpty();
  }

  @Test
  void readsAFullLengthPrefixAsOneAddress() throws Exception {
    assertThat(parse("2.16.1.65/32").target())
        .isEqualTo(new Target(TargetKind.ADDRESS, "2.16.1.65"));
    assertThat(parse("2001:DB8::1/128").target())
        .isEqualTo(new Target(TargetKind.ADDRESS, "2001:db8::1"));
  }

  @Test
  void writesIpv6Canonically() throws Exception {
    assertThat(parse("2001:0DB8:0000::/32").target())
        .isEqualTo(new Target(TargetKind.PREFIX, "2001:db8::/32"));
    assertThat(parse("2001:67c:4e8:f004::a").target().value()).isEqualTo("2001:67c:4e8:f004::a");
  }

  @Test
  void lowerCasesNamesAndDropsTheRootDot() throws Exception {
    ParsedTarget parsed = parse("RuTracker.ORG.");
    assertThat(parsed.target()).isEqualTo(new Target(TargetKind.HOST, "rutracker.org"));
  }

  @Test
  void turnsInternationalNamesIntoPunycode() throws Exception {
    ParsedTarget parsed = parse("легально.com");
    assertThat(parsed.target().value()).isEqualTo("xn--80affxdmh4i.com");
    assertThat(parsed.warnings()).singleElement().asString().contains("punycode");
  }

  @Test
  void watchesTheHostOfAUrl() throws Exception {
    ParsedTarget parsed = parse("http://rutracker.org/forum/index.php");
    assertThat(parsed.target()).isEqualTo(new Target(TargetKind.HOST, "rutracker.org"));
    assertThat(parsed.warnings()).hasSize(1);
  }

  @Test
  void watchesAWildcardAsItsDomain() throws Exception {
    assertThat(parse("*.example.com").target().value()).isEqualTo("example.com");
  }

  @Test
  void refusesAPrefixLengthBeyond32() {
    assertThatThrownBy(() -> parse("1.2.3.4/33"))
        .isInstanceOf(InvalidTargetException.class)
        .hasMessageContaining("prefix length 33")
        .hasMessageContaining("0-32");
  }

  @Test
  void refusesAnOctetAbove255() {
    assertThatThrownBy(() -> parse("300.1.1.1")).hasMessageContaining("300 is not an IPv4 octet");
  }

  @Test
  void refusesShorthandAndOctalLookingAddresses() {
    assertThatThrownBy(() -> parse("1.2.3")).hasMessageContaining("four numbers");
    assertThatThrownBy(() -> parse("010.1.1.1")).hasMessageContaining("leading zero");
  }

  @Test
  void refusesAHostNameWithASpace() {
    assertThatThrownBy(() -> parse("rutracker .org")).hasMessageContaining("contains a space");
  }

  @Test
  void refusesNamesThatAreNotFullyQualified() {
    assertThatThrownBy(() -> parse("localhost")).hasMessageContaining("not a full host name");
    assertThatThrownBy(() -> parse("a..b")).hasMessageContaining("empty label");
    assertThatThrownBy(() -> parse("-bad.org")).hasMessageContaining("must not start or end");
    assertThatThrownBy(() -> parse("x".repeat(64) + ".org")).hasMessageContaining("63");
  }

  @Test
  void refusesPrefixesShorterThanTheMinimum() {
    assertThatThrownBy(() -> parse("0.0.0.0/0"))
        .hasMessageContaining("covers too much")
        .hasMessageContaining("detour.watch.min-prefix-ipv4");
    assertThatThrownBy(() -> parse("2000::/3")).hasMessageContaining("min-prefix-ipv6");
  }

  @Test
  void refusesEmptyAndBadIpv6() {
    assertThatThrownBy(() -> parse("  ")).hasMessageContaining("empty");
    assertThatThrownBy(() -> parse("2001:db8::zz")).hasMessageContaining("not a valid IP");
    assertThatThrownBy(() -> parse("fe80::1%eth0")).isInstanceOf(InvalidTargetException.class);
  }
}
