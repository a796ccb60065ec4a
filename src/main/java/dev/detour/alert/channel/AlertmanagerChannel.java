package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.system.Secrets;
import jakarta.inject.Singleton;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Alertmanager's {@code POST /api/v2/alerts}, as Prometheus pushes: one alert per message, the same
 * labels while firing and when resolved, {@code endsAt} set on resolution, and while firing a few
 * resend intervals ahead, so Alertmanager resolves it by itself if Detour goes silent.
 */
public final class AlertmanagerChannel implements AlertChannel {

  /**
   * {@code type=alertmanager}: Alertmanager's base URL and a bearer token. It resends every minute
   * unless told otherwise: a firing alert's {@code endsAt} lies four resends ahead.
   */
  @Singleton
  public static final class Kind implements ChannelKind {

    @Override
    public String type() {
      return "alertmanager";
    }

    @Override
    public List<String> keys() {
      return List.of("url", "token", "token-file");
    }

    @Override
    public Optional<Duration> resendEvery() {
      return Optional.of(Duration.ofMinutes(1));
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      return new AlertmanagerChannel(s.uri(null), s.token(), s.resendEvery(), s.http(), s.json());
    }
  }

  private final URI base;
  private final String token;
  private final Duration resend;
  private final HttpPost http;
  private final ObjectMapper json;

  public AlertmanagerChannel(
      URI base, String token, Duration resend, HttpPost http, ObjectMapper json) {
    this.base = base;
    this.token = token;
    this.resend = resend;
    this.http = http;
    this.json = json;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    Alert a = m.alert();
    ArrayNode body = json.createArrayNode();
    ObjectNode alert = body.addObject();
    ObjectNode labels = alert.putObject("labels");
    labels.put("alertname", a.kind().alertName());
    labels.put("severity", a.kind().severity());
    labels.put("detour_key", a.key());
    if (a.group() != null) {
      labels.put("group", a.group());
    }
    if (a.target() != null) {
      labels.put(a.key().startsWith("router:") ? "router" : "watch", a.target());
    }
    ObjectNode annotations = alert.putObject("annotations");
    annotations.put("summary", m.title());
    annotations.put("description", m.text());
    alert.put("startsAt", (a.since() != null ? a.since() : a.at()).toString());
    Duration ahead = a.kind() == AlertKind.TEST ? Duration.ofMinutes(5) : resend;
    alert.put("endsAt", (a.firing() ? a.at().plus(ahead.multipliedBy(4)) : a.at()).toString());
    if (a.link() != null) {
      alert.put("generatorURL", a.link());
    }
    URI uri = URI.create(base.toString().replaceAll("/+$", "") + "/api/v2/alerts");
    http.post(uri, "application/json", body.toString(), HttpPost.bearer(token));
  }

  @Override
  public String destination() {
    return Secrets.origin(base);
  }

  @Override
  public Collection<String> secrets() {
    return HttpPost.secrets(base, false, token);
  }
}
