package dev.detour.auth;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.Optional;

/** Logins, browser sessions and API tokens ({@code detour.auth.*}, and the admin's password). */
@ConfigMapping(prefix = "detour")
public interface AuthConfig {

  /**
   * The password of the {@code admin} account ({@code DETOUR_ADMIN_PASSWORD}); set at every start
   * when given. Unset on a first start, Detour generates one and prints it once.
   */
  @WithName("admin-password")
  Optional<String> adminPassword();

  Auth auth();

  /** Logins, browser sessions and API tokens. */
  interface Auth {
    /** A browser session ends after this long without a request. */
    @WithName("session-idle")
    @WithDefault("12h")
    Duration sessionIdle();

    /** A browser session ends this long after login, however busy. */
    @WithName("session-max-age")
    @WithDefault("7d")
    Duration sessionMaxAge();

    /** Failed logins allowed per client address and minute (form and HTTP Basic alike). */
    @WithName("login-failures-per-minute")
    @WithDefault("10")
    @Min(1)
    int loginFailuresPerMinute();
  }
}
