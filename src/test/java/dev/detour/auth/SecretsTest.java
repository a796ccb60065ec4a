package dev.detour.auth;

import static org.assertj.core.api.Assertions.assertThat;

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
}
