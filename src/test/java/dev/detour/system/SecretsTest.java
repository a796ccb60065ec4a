package dev.detour.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;

class SecretsTest {

  @Test
  void aPasswordHashIsSaltedAndChecksOut() {
    String a = Secrets.hashPassword("correct horse");
    String b = Secrets.hashPassword("correct horse");
    assertThat(a).startsWith("pbkdf2-sha256$" + Secrets.ITERATIONS + "$").isNotEqualTo(b);
    assertThat(a).doesNotContain("correct horse");
    assertThat(Secrets.verifyPassword("correct horse", a)).isTrue();
    assertThat(Secrets.verifyPassword("correct horsE", a)).isFalse();
    assertThat(Secrets.verifyPassword("x", "garbage")).isFalse();
    assertThat(Secrets.verifyPassword("x", "pbkdf2-sha256$x$y$z")).isFalse();
  }

  @Test
  void generatedPasswordsAreLongAndDiffer() {
    assertThat(Secrets.password()).hasSize(20).isNotEqualTo(Secrets.password());
    assertThat(Secrets.random(32)).hasSize(43);
  }

  @Test
  void aUrlIsShownWithoutWhatMayBeItsKey() {
    URI hook =
        URI.create(
            "https://user:pw-123456@hooks.example.org:8443/services/T1/B2/xoxb-abcdef?k=query-123456");
    assertThat(Secrets.origin(hook)).isEqualTo("https://hooks.example.org:8443");
    assertThat(Secrets.origin(URI.create("http://[::1]/x"))).isEqualTo("http://[::1]");
    assertThat(Secrets.withoutUserInfo("https://user:pw-123456@vps.example:8443/base"))
        .isEqualTo("https://vps.example:8443/base");
    assertThat(Secrets.withoutUserInfo("https://vps.example")).isEqualTo("https://vps.example");
    assertThat(Secrets.withoutUserInfo("https://vps example/")).doesNotContain("vps example");
    assertThat(Secrets.secretParts(hook, false)).containsExactly("user:pw-123456");
    assertThat(Secrets.secretParts(hook, true))
        .contains(
            "user:pw-123456",
            "/services/T1/B2/xoxb-abcdef",
            "xoxb-abcdef",
            "k=query-123456",
            "query-123456");
    assertThat(Secrets.secretParts(URI.create("https://ntfy.sh/"), true)).isEmpty();
  }

  @Test
  void maskingReplacesEverySecretAsGivenAndUrlEncoded() {
    String echo =
        "HTTP 404: Cannot POST /bot123456:ABC-def/sendMessage Authorization: Bearer tok-987654"
            + " /bot123456%3AABC-def/x";
    String masked = Secrets.mask(echo, List.of("123456:ABC-def", "tok-987654", "ab"));
    assertThat(masked)
        .isEqualTo("HTTP 404: Cannot POST /bot***/sendMessage Authorization: Bearer *** /bot***/x");
    assertThat(Secrets.mask("ab cd", List.of("ab"))).as("too short to mask").isEqualTo("ab cd");
    assertThat(Secrets.mask(null, List.of("secret"))).isNull();
    assertThat(Secrets.mask("a long-secret-x", List.of("long-secret", "long-secret-x")))
        .as("the longer one whole")
        .isEqualTo("a ***");
  }
}
