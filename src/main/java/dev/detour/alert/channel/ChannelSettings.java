package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.system.Secrets;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * One channel's settings as its kind builds from them: its own keys (secrets already read from
 * their files), the interval it resends at, and what every channel shares. The checks throw with
 * the key to fix, so a channel that cannot work stops Detour at start rather than failing quietly
 * at the first block.
 *
 * @param prefix the channel's keys without their last part: {@code detour.alerts.channels.<name>.}
 * @param url null when unset
 * @param secret from {@code secret} or {@code secret-file}, or null
 * @param token from {@code token} or {@code token-file}, or null
 * @param chatId null when unset
 * @param topic null when unset
 * @param to empty when unset
 * @param http the one HTTP client the web channels share
 * @param json Detour's JSON mapper (ISO instants, as the webhook's documented body has them)
 */
public record ChannelSettings(
    String prefix,
    String url,
    String secret,
    String token,
    String chatId,
    String topic,
    List<String> to,
    Duration resendEvery,
    Duration timeout,
    HttpPost http,
    ObjectMapper json) {

  /** {@code url}, or {@code fallback} when unset (null: required), as an http or https URI. */
  public URI uri(String fallback) {
    String text = url != null ? url : fallback;
    if (text == null) {
      throw new IllegalStateException(
          prefix + "url: where to send, e.g. https://hooks.example.org/detour");
    }
    try {
      URI uri = URI.create(text.strip());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not http(s)");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          prefix + "url: an http:// or https:// URL, not " + shown(text));
    }
  }

  /** A value the kind cannot do without, stripped; {@code what} says what to set. */
  public String require(String key, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(prefix + key + ": " + what);
    }
    return value.strip();
  }

  /** A bad URL as an error may name it: a webhook's URL may be its secret, so no path or query. */
  private static String shown(String text) {
    try {
      URI uri = URI.create(text.strip());
      if (uri.getScheme() != null && uri.getHost() != null) {
        boolean more = uri.getRawPath() != null && !uri.getRawPath().isEmpty();
        return Secrets.origin(uri) + (more || uri.getRawQuery() != null ? "/…" : "");
      }
      return uri.getScheme() != null ? uri.getScheme() + ":…" : "that";
    } catch (IllegalArgumentException e) {
      return "a text that does not parse as a URL (not repeated: it may hold a token)";
    }
  }
}
