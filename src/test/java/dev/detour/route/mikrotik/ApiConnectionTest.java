package dev.detour.route.mikrotik;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.detour.route.RouterException;
import dev.detour.route.RouterException.Kind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ProtocolException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API protocol's word codec, at every length boundary and against hostile input, and the
 * replies the RouterOS API manual describes, from the emulated router: {@code !empty}, {@code
 * .about}, several {@code !trap}s and their {@code =category=}.
 */
class ApiConnectionTest {

  private static byte[] length(long length) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ApiConnection.writeLength(out, length);
    return out.toByteArray();
  }

  @ParameterizedTest
  @CsvSource({
    "0x00, 00",
    "0x7F, 7f",
    "0x80, 8080",
    "0x3FFF, bfff",
    "0x4000, c04000",
    "0x1FFFFF, dfffff",
    "0x200000, e0200000",
    "0xFFFFFFF, efffffff",
    "0x10000000, f010000000",
    "0xFFFFFFFF, f0ffffffff"
  })
  void lengthsAreEncodedAndDecodedAtEachBoundary(String length, String hex) throws IOException {
    long value = Long.decode(length);
    byte[] encoded = length(value);

    assertThat(HexFormat.of().formatHex(encoded)).isEqualTo(hex);
    assertThat(ApiConnection.readLength(new ByteArrayInputStream(encoded))).isEqualTo(value);
  }

  @Test
  void aControlByteIsNoLength() {
    assertThatThrownBy(
            () -> ApiConnection.readLength(new ByteArrayInputStream(new byte[] {(byte) 0xF8})))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void sentencesRoundTrip() throws IOException {
    List<String> words =
        List.of("/ip/route/add", "=comment=" + "ü".repeat(100), "=x=" + "y".repeat(20_000));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ApiConnection.writeSentence(out, words);
    ApiConnection.writeSentence(out, List.of("!done"));
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    assertThat(ApiConnection.readSentence(in, new ApiConnection.Budget(1 << 20))).isEqualTo(words);
    assertThat(ApiConnection.readSentence(in, new ApiConnection.Budget(1 << 20)))
        .containsExactly("!done");
  }

  @Test
  void aWordLongerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
    byte[] prefix = length(ApiConnection.MAX_WORD + 1L);

    assertThatThrownBy(
            () ->
                ApiConnection.readSentence(
                    new ByteArrayInputStream(prefix), new ApiConnection.Budget(Long.MAX_VALUE)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining(Long.toString(ApiConnection.MAX_WORD + 1L));
  }

  @Test
  void aWordLongerThanWhatIsLeftOfTheReplyIsRefused() throws IOException {
    byte[] prefix = length(2000);

    assertThatThrownBy(
            () ->
                ApiConnection.readSentence(
                    new ByteArrayInputStream(prefix), new ApiConnection.Budget(1000)))
        .isInstanceOf(ProtocolException.class);
  }

  @Test
  void aSentenceOfTooManyWordsIsRefused() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i <= ApiConnection.MAX_WORDS; i++) {
      ApiConnection.writeLength(out, 1);
      out.write('x');
    }
    ByteArrayInputStream in = new ByteArrayInputStream(out.toByteArray());

    assertThatThrownBy(() -> ApiConnection.readSentence(in, new ApiConnection.Budget(1 << 20)))
        .isInstanceOf(ProtocolException.class)
        .hasMessageContaining("words");
  }

  @Test
  void attributesSplitAtTheSecondEquals() {
    assertThat(
            ApiConnection.attributes(List.of("!re", "=comment=a=b", "=empty=", "=flag", ".tag=7")))
        .isEqualTo(Map.of("comment", "a=b", "empty", "", "flag", ""));
  }

  @Test
  void trapsMeanWhatRouterOsSays() {
    assertThat(ApiConnection.trapKind("no such item")).isEqualTo(Kind.NOT_FOUND);
    assertThat(ApiConnection.trapKind("invalid user name or password (6)")).isEqualTo(Kind.AUTH);
    assertThat(ApiConnection.trapKind("cannot log in")).isEqualTo(Kind.AUTH);
    assertThat(ApiConnection.trapKind("failure: already have such route")).isEqualTo(Kind.REJECTED);
    assertThat(ApiConnection.trapKind("too many sessions")).isEqualTo(Kind.BUSY);
  }

  @Test
  void categoryZeroIsNotFoundWhateverTheMessage() {
    assertThat(ApiConnection.trapKind(List.of(Map.of("category", "0", "message", "gone"))))
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(ApiConnection.trapKind(List.of(Map.of("category", "1", "message", "no such item"))))
        .isEqualTo(Kind.NOT_FOUND);
    assertThat(ApiConnection.trapKind(List.of(Map.of("message", "failure: x"))))
        .isEqualTo(Kind.REJECTED);
  }

  @Test
  void severalTrapsAreNotFoundOnlyWhenEveryOneIs() {
    Map<String, String> missing = Map.of("category", "0", "message", "no such item");
    Map<String, String> refused = Map.of("message", "failure: cannot remove dynamic entry");

    assertThat(ApiConnection.trapKind(List.of(missing, missing))).isEqualTo(Kind.NOT_FOUND);
    assertThat(ApiConnection.trapKind(List.of(missing, refused))).isEqualTo(Kind.REJECTED);
  }

  @Nested
  class AgainstTheEmulatedRouter {

    private final RouterOsEmulator router = new RouterOsEmulator();
    private ApiConnection connection;

    @AfterEach
    void close() {
      if (connection != null) {
        connection.close();
      }
      router.close();
    }

    private ApiConnection open() throws RouterException {
      connection = ApiConnection.open(TestSettings.api(router.apiPort(), false).build());
      return connection;
    }

    private List<Map<String, String>> print(String... words) throws RouterException {
      List<Map<String, String>> rows = new ArrayList<>();
      List<String> sentence = new ArrayList<>(List.of("/ip/route/print"));
      sentence.addAll(List.of(words));
      connection.command(sentence, 1 << 20, rows::add);
      return rows;
    }

    @Test
    void emptyIsNoRows() throws RouterException {
      router.resource("7.18.2 (stable)", "CHR");
      open();

      assertThat(print("?comment=nothing has this")).isEmpty();
      assertThat(print("?dst-address=0.0.0.0/0")).hasSize(1);
    }

    @Test
    void anAboutNoteIsNoAttribute() throws RouterException {
      router.put(
          "ip/route",
          "dst-address",
          "10.9.0.0/16",
          "gateway",
          "192.0.2.1",
          ".about",
          "gateway is unreachable");
      open();

      assertThat(print("=.proplist=dst-address,gateway", "?dst-address=10.9.0.0/16"))
          .containsExactly(Map.of("dst-address", "10.9.0.0/16", "gateway", "192.0.2.1"));
    }

    @Test
    void everyTrapIsInTheOneFailureAndTheConnectionStaysUsable() throws RouterException {
      open();

      assertThatThrownBy(
              () ->
                  connection.command(
                      List.of("/ip/route/remove", "=.id=*FFE,*1,*FFF"), 1 << 20, row -> {}))
          .isInstanceOfSatisfying(
              RouterException.class,
              failure -> {
                assertThat(failure.kind()).isEqualTo(Kind.REJECTED);
                assertThat(failure.getMessage())
                    .contains("no such item; failure: cannot remove dynamic entry; no such item");
              });
      assertThat(connection.isClosed()).isFalse();
      assertThat(print("?dst-address=0.0.0.0/0")).hasSize(1);
    }

    @Test
    void aTaggedCommandIsAnsweredAsAnyOther() throws RouterException {
      router.resource("7.19.1 (stable)", "CHR");
      open();

      assertThat(print("?dynamic=true", ".tag=7")).hasSize(2);
      assertThat(print("?comment=none", ".tag=8")).isEmpty();
    }
  }
}
