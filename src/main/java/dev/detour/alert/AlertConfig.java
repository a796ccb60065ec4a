package dev.detour.alert;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Alerting: the rules every channel shares, and the channels by a name of the user's choice ({@code
 * detour.alerts.*}).
 */
@ConfigMapping(prefix = "detour.alerts")
public interface AlertConfig {
  /** Off: nothing is sent (incidents are still recorded and shown). */
  @WithDefault("true")
  boolean enabled();

  /**
   * How long a change waits before it is told, so that blocks arriving together become one
   * mass-block message and a block cleared again at once tells nothing.
   */
  @WithName("group-wait")
  @WithDefault("30s")
  Duration groupWait();

  /** A message repeats this often while what it tells holds (0 never repeats). */
  @WithName("resend-every")
  @WithDefault("4h")
  Duration resendEvery();

  /** Tries of one message before it is given up and shown as failed. */
  @WithName("max-attempts")
  @WithDefault("10")
  @Min(1)
  @Max(100)
  int maxAttempts();

  /** The wait after the first failed try; it doubles with every further one. */
  @WithName("retry-base")
  @WithDefault("10s")
  Duration retryBase();

  /** The longest wait between two tries. */
  @WithName("retry-max")
  @WithDefault("30m")
  Duration retryMax();

  /** How long one delivery may take. */
  @WithDefault("10s")
  Duration timeout();

  /** Detour's own address as users reach it, for links in messages (e.g. https://detour.lan). */
  @WithName("base-url")
  Optional<String> baseUrl();

  /** Message templates (Qute) by kind, replacing the built-in text: blocked, cleared, … */
  Map<String, String> templates();

  Map<String, AlertChannel> channels();

  /** One place messages go. */
  interface AlertChannel {
    /**
     * The kind of channel: webhook, telegram, slack, ntfy, email or alertmanager (checked at start
     * against the kinds there are).
     */
    String type();

    /**
     * Where to send: the webhook or Slack URL, ntfy's server, Alertmanager's base URL, Telegram's
     * API base (default https://api.telegram.org, which may itself be blocked: point it at a relay,
     * or route it through the tunnel).
     */
    Optional<String> url();

    /** Webhook: the HMAC-SHA256 key that signs each body; better kept in {@code secret-file}. */
    Optional<String> secret();

    @WithName("secret-file")
    Optional<Path> secretFile();

    /** Telegram's bot token, or ntfy's or Alertmanager's bearer token. */
    Optional<String> token();

    @WithName("token-file")
    Optional<Path> tokenFile();

    /** Telegram: the chat the bot writes to. */
    @WithName("chat-id")
    Optional<String> chatId();

    /** ntfy: the topic. */
    Optional<String> topic();

    /** E-mail: the recipients. */
    Optional<List<String>> to();

    /** Only these groups' watches (every group when unset); outages concern every channel. */
    Optional<List<String>> groups();

    /** Only these kinds of message (every kind when unset). */
    Optional<List<String>> events();

    /** Held during these hours and sent after, e.g. 23:00-07:30. */
    @WithName("quiet-hours")
    Optional<String> quietHours();

    /** The time zone of the quiet hours (the system's when unset), e.g. Europe/Moscow. */
    @WithName("time-zone")
    Optional<String> timeZone();

    /** This channel's own resend interval (Alertmanager's default is 1m: it expires alerts). */
    @WithName("resend-every")
    Optional<Duration> resendEvery();
  }
}
