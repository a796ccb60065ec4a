package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.system.Secrets;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A Telegram bot's {@code sendMessage}. The API base is configurable: api.telegram.org may be the
 * very thing that is blocked, so it can be a relay, or an address routed through the tunnel. The
 * bot token sits in the URL's path, so errors name only the host. Telegram answers a flood with 429
 * and {@code parameters.retry_after}, which is honoured.
 */
public final class TelegramChannel implements AlertChannel {

  /** {@code type=telegram}: the bot's token and chat, and the API's base when it is blocked. */
  @Singleton
  public static final class Kind implements ChannelKind {

    @Override
    public String type() {
      return "telegram";
    }

    @Override
    public List<String> keys() {
      return List.of("url", "token", "token-file", "chat-id");
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      return new TelegramChannel(
          s.uri("https://api.telegram.org"),
          s.require("token", s.token(), "the bot's token from @BotFather (or token-file)"),
          s.require("chat-id", s.chatId(), "the chat the bot writes to"),
          s.http(),
          s.json());
    }
  }

  private static final int MAX_TEXT = 4096;

  private final URI base;
  private final String token;
  private final String chatId;
  private final HttpPost http;
  private final ObjectMapper json;

  public TelegramChannel(URI base, String token, String chatId, HttpPost http, ObjectMapper json) {
    this.base = base;
    this.token = token;
    this.chatId = chatId;
    this.http = http;
    this.json = json;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    String text = m.title() + "\n\n" + m.text();
    if (text.length() > MAX_TEXT) {
      text = text.substring(0, MAX_TEXT - 1) + "…";
    }
    String body =
        json.createObjectNode()
            .put("chat_id", chatId)
            .put("text", text)
            .put("disable_web_page_preview", true)
            .toString();
    URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/bot" + token + "/sendMessage");
    try {
      http.post(uri, "application/json", body, Map.of());
    } catch (DeliveryException e) {
      throw explain(e);
    }
  }

  /** Telegram's JSON error: its description, and retry_after on a 429. */
  private DeliveryException explain(DeliveryException e) {
    String message = e.getMessage();
    int json = message.indexOf('{');
    if (json < 0) {
      return e;
    }
    try {
      JsonNode error = this.json.readTree(message.substring(json));
      String description = error.path("description").asText("");
      long after = error.path("parameters").path("retry_after").asLong(0);
      Duration retryAfter = after > 0 ? Duration.ofSeconds(after) : e.retryAfter();
      return new DeliveryException(
          "Telegram: " + (description.isEmpty() ? message : description),
          e.retryable(),
          retryAfter);
    } catch (IOException notJson) {
      return e;
    }
  }

  @Override
  public String destination() {
    return "chat " + chatId + " via " + Secrets.origin(base);
  }

  /** The bot token (it travels in the URL's path), and the API base's user info. */
  @Override
  public Collection<String> secrets() {
    return HttpPost.secrets(base, false, token);
  }
}
