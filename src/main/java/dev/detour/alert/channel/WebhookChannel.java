package dev.detour.alert.channel;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.detour.system.Secrets;
import jakarta.inject.Singleton;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A generic webhook: the message as JSON (docs/alerts.md has the schema), signed with HMAC-SHA256
 * over {@code timestamp + "." + body} when a secret is set, in the Stripe manner: a receiver checks
 * the signature and that the timestamp is recent, so a captured request cannot be replayed later.
 * {@code X-Detour-Delivery} stays the same on every retry of one message.
 */
public final class WebhookChannel implements AlertChannel {

  /** {@code type=webhook}: a URL, and a secret to sign with. */
  @Singleton
  public static final class Kind implements ChannelKind {

    @Override
    public String type() {
      return "webhook";
    }

    @Override
    public List<String> keys() {
      return List.of("url", "secret", "secret-file");
    }

    @Override
    public AlertChannel build(ChannelSettings s) {
      return new WebhookChannel(s.uri(null), s.secret(), s.http(), s.json(), Clock.systemUTC());
    }
  }

  public static final int VERSION = 1;

  private final URI url;
  private final String secretText;
  private final byte[] secret;
  private final HttpPost http;
  private final ObjectMapper json;
  private final Clock clock;

  public WebhookChannel(URI url, String secret, HttpPost http, ObjectMapper json, Clock clock) {
    this.url = url;
    this.secretText = secret;
    this.secret = secret == null ? null : secret.getBytes(StandardCharsets.UTF_8);
    this.http = http;
    this.json = json;
    this.clock = clock;
  }

  @Override
  public void send(Message m) throws DeliveryException {
    ObjectNode body = json.createObjectNode();
    body.put("version", VERSION);
    body.put("delivery", m.id());
    body.put("kind", m.alert().kind().id());
    body.put("status", m.alert().firing() ? "firing" : "resolved");
    body.put("title", m.title());
    body.put("text", m.text());
    body.set("alert", json.valueToTree(m.alert()));
    String text = body.toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-Detour-Delivery", String.valueOf(m.id()));
    if (secret != null) {
      String timestamp = String.valueOf(clock.instant().getEpochSecond());
      headers.put("X-Detour-Timestamp", timestamp);
      headers.put("X-Detour-Signature", "sha256=" + sign(secret, timestamp + "." + text));
    }
    http.post(url, "application/json", text, headers);
  }

  /** HMAC-SHA256 of {@code text} under {@code key}, hex: what a receiver recomputes. */
  public static String sign(byte[] key, String text) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public String destination() {
    return Secrets.origin(url) + (secret != null ? " (signed)" : "");
  }

  /** The signing secret, and the URL's user info, path and query: a hook's URL is often its key. */
  @Override
  public Collection<String> secrets() {
    return HttpPost.secrets(url, true, secretText);
  }
}
