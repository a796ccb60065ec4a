package dev.detour.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  @Test
  void anAddressThatKeepsFailingWaitsAndOthersDoNot() {
    LoginThrottle t = new LoginThrottle(3);
    for (int i = 0; i < 3; i++) {
      assertThat(t.allowed("192.0.2.1")).isTrue();
      t.failed("192.0.2.1");
    }
    assertThat(t.allowed("192.0.2.1")).isFalse();
    assertThat(t.allowed("192.0.2.2")).isTrue();
  }

  @Test
  void successForgivesEarlierFailures() {
    LoginThrottle t = new LoginThrottle(3);
    t.failed("192.0.2.1");
    t.failed("192.0.2.1");
    t.succeeded("192.0.2.1");
    t.failed("192.0.2.1");
    t.failed("192.0.2.1");
    assertThat(t.allowed("192.0.2.1")).isTrue();
  }
}
