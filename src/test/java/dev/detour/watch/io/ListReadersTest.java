package dev.detour.watch.io;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.Charset;
import org.junit.jupiter.api.Test;

class ListReadersTest {

  private static final Charset CP1251 = Charset.forName("windows-1251");

  private static InputStream resource(String name) {
    return ListReadersTest.class.getResourceAsStream("/data/" + name);
  }

  @Test
  void plainListSkipsCommentsAndBlankLinesAndKeepsTrailingCommentsAsNotes() throws Exception {
    Readers read =
        Readers.read(
            ListFormat.PLAIN,
            "# telegram\r\n149.154.164.0/22\r\n\r\n  91.108.4.0/22  # DC4\r\n".getBytes(UTF_8));
    assertThat(read.targets()).containsExactly("149.154.164.0/22", "91.108.4.0/22");
    assertThat(read.entries.get(1).note()).isEqualTo("DC4");
    assertThat(read.entries.get(1).line()).isEqualTo(4);
  }

  @Test
  void readsTheWholeRefilterList() throws Exception {
    Readers read = Readers.read(ListFormat.PLAIN, resource("refilter-blocked-ips.lst"), null);
    assertThat(read.entries).hasSize(44_036);
    assertThat(read.invalid).isEmpty();
  }

  @Test
  void registryDumpGivesEveryAddressAndTheDomainOfEachRow() throws Exception {
    Readers read =
        Readers.read(ListFormat.REGISTRY_CSV, resource("zapret-info-dump-2014-04-22.csv"), null);
    assertThat(read.invalid).isEmpty();
    assertThat(read.targets())
        .contains("188.226.197.161", "188.226.202.246", "6iflp.fuckrkn.me", "легально.com");
    ListEntry first = read.entries.get(0);
    assertThat(first.line()).isEqualTo(2);
    assertThat(first.note()).isEqualTo("registry: 9843-URL-on (Роскомнадзор, 2013-08-06)");
  }

  @Test
  void registryRowWithTooFewFieldsIsReportedWithItsLine() throws Exception {
    Readers read =
        Readers.read(
            ListFormat.REGISTRY_CSV,
            "1.2.3.4;a.org;http://a.org/;x;y;2014-01-01\n1.2.3.5;b.org\n".getBytes(CP1251));
    assertThat(read.targets()).containsExactly("1.2.3.4", "a.org");
    assertThat(read.invalid).singleElement().asString().startsWith("2: expected 6 fields");
  }

  @Test
  void aUrlWithASemicolonDoesNotShiftTheFields() throws Exception {
    Readers read =
        Readers.read(
            ListFormat.REGISTRY_CSV,
            "1.2.3.4;a.org;http://a.org/x;y=1;Суд;2-1;2014-01-01\n".getBytes(CP1251));
    assertThat(read.entries.get(0).note()).isEqualTo("registry: 2-1 (Суд, 2014-01-01)");
  }

  @Test
  void aDeclaredCharsetThatDoesNotFitIsReportedPerLine() throws Exception {
    byte[] cp1251 = "1.2.3.4;легально.com;http://x/;Суд;1;2014-01-01\n".getBytes(CP1251);
    Readers read = Readers.read(ListFormat.REGISTRY_CSV, new ByteArrayInputStream(cp1251), UTF_8);
    assertThat(read.entries).isEmpty();
    assertThat(read.invalid)
        .singleElement()
        .asString()
        .contains("not valid UTF-8")
        .contains("windows-1251");
  }

  @Test
  void utf8AndWindows1251LinesAreToldApartWithoutADeclaration() throws Exception {
    byte[] utf8 = "легально.com\n".getBytes(UTF_8);
    byte[] cp = "легально.рф\n".getBytes(CP1251);
    byte[] both = new byte[utf8.length + cp.length];
    System.arraycopy(utf8, 0, both, 0, utf8.length);
    System.arraycopy(cp, 0, both, utf8.length, cp.length);
    assertThat(Readers.read(ListFormat.PLAIN, both).targets())
        .containsExactly("легально.com", "легально.рф");
  }

  @Test
  void utf16WithAByteOrderMarkIsRead() throws Exception {
    byte[] text = "\uFEFFrutracker.org\r\n1.2.3.4\r\n".getBytes(UTF_16LE);
    assertThat(Readers.read(ListFormat.PLAIN, text).targets())
        .containsExactly("rutracker.org", "1.2.3.4");
  }

  @Test
  void binaryOrUtf16WithoutAMarkIsRefusedLineByLine() throws Exception {
    byte[] text = "rutracker.org\n".getBytes(UTF_16LE);
    Readers read = Readers.read(ListFormat.PLAIN, text);
    assertThat(read.entries).isEmpty();
    assertThat(read.invalid).isNotEmpty().allMatch(reason -> reason.contains("NUL bytes"));
  }

  @Test
  void anOverlongLineIsReportedAndTheNextOneRead() throws Exception {
    String text = "a".repeat(ImportInput.MAX_LINE + 10) + "\n1.2.3.4\n";
    Readers read = Readers.read(ListFormat.PLAIN, text.getBytes(UTF_8));
    assertThat(read.invalid).singleElement().asString().startsWith("1: line is longer");
    assertThat(read.targets()).containsExactly("1.2.3.4");
  }

  @Test
  void routerOsExportOfTheSeedGivesRoutesWithTheirCommentsAsGroups() throws Exception {
    String export =
        """
        # nov/25/2026 by RouterOS 7.16
        /interface gre add name="gre-tunnel1" mtu=auto local-address=198.51.100.2 remote-address=203.0.113.1
        /ip route
        add comment=linkedin distance=1 dst-address=91.225.248.0/22 gateway=gre-tunnel1
        add comment=telegram distance=1 \\
            dst-address=149.154.164.0/22 gateway=gre-tunnel1
        add comment="Telegram DC" disabled=yes dst-address=91.108.4.0/22 gateway=gre-tunnel1
        add dst-address=0.0.0.0/0 gateway=198.51.100.1
        /ip firewall address-list
        add address=195.82.146.0/24 comment=seed list=rutracker
        /ip firewall mangle
        add action=change-mss chain=forward new-mss=clamp-to-pmtu protocol=tcp tcp-flags=syn
        """;
    Readers read = Readers.read(ListFormat.ROUTEROS, export.getBytes(UTF_8));
    assertThat(read.invalid).isEmpty();
    assertThat(read.targets())
        .containsExactly(
            "91.225.248.0/22", "149.154.164.0/22", "91.108.4.0/22", "0.0.0.0/0", "195.82.146.0/24");
    assertThat(read.entries.get(1).group()).isEqualTo("telegram");
    assertThat(read.entries.get(1).line()).isEqualTo(5);
    assertThat(read.entries.get(2).group()).isEqualTo("Telegram DC");
    assertThat(read.entries.get(2).enabled()).isFalse();
    assertThat(read.entries.get(3).group()).isNull();
    assertThat(read.entries.get(4).group()).isEqualTo("rutracker");
    assertThat(read.entries.get(4).note()).isEqualTo("seed");
  }

  @Test
  void routerOsHexEscapesAreDecoded() {
    assertThat(RouterOsReader.split("add comment=\"\\D0\\BB\\D0\\B5 x\" dst-address=1.2.3.0/24"))
        .containsExactly("add", "comment=ле x", "dst-address=1.2.3.0/24");
  }

  @Test
  void jsonReaderTakesAnExportBackAndReportsBadElementsByLine() throws Exception {
    String json =
        """
        [
          {"id": 7, "target": "149.154.164.0/22", "kind": "prefix", "group": "telegram", "ports": [443], "tags": ["dc"]},
          {"target": "1.2.3.4", "colour": "red"},
          {"group": "x"}
        ]
        """;
    Readers read = Readers.read(ListFormat.JSON, json.getBytes(UTF_8));
    assertThat(read.targets()).containsExactly("149.154.164.0/22");
    assertThat(read.entries.get(0).ports()).containsExactly(443);
    assertThat(read.invalid).hasSize(2);
    assertThat(read.invalid.get(0)).startsWith("3: ").contains("colour");
    assertThat(read.invalid.get(1)).startsWith("4: ").contains("no \"target\"");
  }

  @Test
  void detectsEachFormatFromItsFirstLines() throws Exception {
    assertThat(detect("149.154.164.0/22\n")).isEqualTo(ListFormat.PLAIN);
    assertThat(detect("[{\"target\":\"a.org\"}]")).isEqualTo(ListFormat.JSON);
    assertThat(detect("/ip route\nadd dst-address=1.2.3.0/24 gateway=gre1\n"))
        .isEqualTo(ListFormat.ROUTEROS);
    assertThat(detect("Updated: 2014-04-22 11:05:00 +0000\n1.2.3.4;a.org;u;a;d;2014\n"))
        .isEqualTo(ListFormat.REGISTRY_CSV);
  }

  private static ListFormat detect(String text) throws Exception {
    return FormatDetector.detect(
        new BufferedInputStream(new ByteArrayInputStream(text.getBytes(UTF_8))));
  }
}
