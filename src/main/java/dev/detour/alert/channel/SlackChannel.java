package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.system.Secrets;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): {@code {"text": …}} with
 * the title in bold, mrkdwn's {@code *…*}.
 */
public final class SlackChannel implements AlertChannel {

  /** {@code type=slack}: the incoming webhook's URL. */
  @Singleton
  public static final class Kind implements ChannelKind {

    @Override
    public String type() {
      return "slack";
    }

    @Override
    public List<String> keys() {
      return List.of("url");
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      return new SlackChannel(s.uri(null), s.http(), s.json());
    }
  }

  private final URI url;
  private final HttpPost http;
  private final ObjectMapper json;

  public SlackChannel(URI url, HttpPost http, ObjectMapper json) {
    this.url = url;
    this.http = http;
    this.json = json;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    String text = "*" + escape(m.title()) + "*\n" + escape(m.text());
    http.post(
        url, "application/json", json.createObjectNode().put("text", text).toString(), Map.of());
  }

  /** mrkdwn's three control characters. */
  static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  @Override
  public String destination() {
    return Secrets.origin(url);
  }

  /** An incoming webhook's URL is its credential: its path (and any user info or query). */
  @Override
  public Collection<String> secrets() {
    return HttpPost.secrets(url, true);
  }
}
