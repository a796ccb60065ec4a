package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.system.Secrets;
import jakarta.inject.Singleton;
import java.net.URI;
import java.util.Collection;
import java.util.List;

/**
 * ntfy: published as JSON to the server's root (which carries a UTF-8 title, unlike a header), with
 * a priority from the message's severity and a tag ntfy shows as an emoji.
 */
public final class NtfyChannel implements AlertChannel {

  /**
   * {@code type=ntfy}: a topic on a server (ntfy.sh unless set), and a token when it is guarded.
   */
  @Singleton
  public static final class Kind implements ChannelKind {

    @Override
    public String type() {
      return "ntfy";
    }

    @Override
    public List<String> keys() {
      return List.of("url", "topic", "token", "token-file");
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      return new NtfyChannel(
          s.uri("https://ntfy.sh"),
          s.require("topic", s.topic(), "the ntfy topic to publish to"),
          s.token(),
          s.http(),
          s.json());
    }
  }

  private final URI server;
  private final String topic;
  private final String token;
  private final HttpPost http;
  private final ObjectMapper json;

  public NtfyChannel(URI server, String topic, String token, HttpPost http, ObjectMapper json) {
    this.server = server;
    this.topic = topic;
    this.token = token;
    this.http = http;
    this.json = json;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    ObjectNode body = json.createObjectNode();
    body.put("topic", topic);
    body.put("title", m.title());
    body.put("message", m.text());
    body.put("priority", priority(m));
    body.putArray("tags")
        .add(
            switch (m.alert().kind()) {
              case TEST -> "test_tube";
              default -> m.alert().firing() ? "no_entry" : "white_check_mark";
            });
    if (m.alert().link() != null) {
      body.put("click", m.alert().link());
    }
    URI uri = URI.create(server.toString().replaceAll("/+$", "") + "/");
    http.post(uri, "application/json", body.toString(), HttpPost.bearer(token));
  }

  /** 5 (max) for a critical problem, 4 for a warning, 3 for an end, 2 for information. */
  static int priority(Message m) {
    if (!m.alert().firing()) {
      return 3;
    }
    return switch (m.alert().kind().severity()) {
      case "critical" -> 5;
      case "warning" -> 4;
      default -> 2;
    };
  }

  @Override
  public String destination() {
    return topic + " on " + Secrets.origin(server);
  }

  @Override
  public Collection<String> secrets() {
    return HttpPost.secrets(server, false, token);
  }
}
