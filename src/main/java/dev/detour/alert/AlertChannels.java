package dev.detour.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.AlertChannel;
import dev.detour.alert.channel.AlertKind;
import dev.detour.alert.channel.AlertmanagerChannel;
import dev.detour.alert.channel.EmailChannel;
import dev.detour.alert.channel.HttpPost;
import dev.detour.alert.channel.NtfyChannel;
import dev.detour.alert.channel.SlackChannel;
import dev.detour.alert.channel.TelegramChannel;
import dev.detour.alert.channel.WebhookChannel;
import dev.detour.system.Secrets;
import io.quarkus.mailer.reactive.ReactiveMailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.net.URI;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The configured channels ({@code detour.alerts.channels.<name>.*}), checked at start: a channel
 * that cannot work (no URL, no token, a bad quiet-hours range) stops Detour with the key to fix,
 * rather than failing quietly at the first block.
 */
@ApplicationScoped
public class AlertChannels {

  private final Map<String, ChannelRule> rules;

  public AlertChannels(AlertConfig config, ObjectMapper json, Instance<ReactiveMailer> mailer) {
    AlertConfig alerts = config;
    HttpPost http = new HttpPost(alerts.timeout());
    Map<String, ChannelRule> all = new LinkedHashMap<>();
    for (var e : new java.util.TreeMap<>(alerts.channels()).entrySet()) {
      all.put(e.getKey(), rule(e.getKey(), e.getValue(), alerts, http, json, mailer));
    }
    this.rules = Collections.unmodifiableMap(all);
  }

  public List<ChannelRule> all() {
    return List.copyOf(rules.values());
  }

  public Optional<ChannelRule> get(String name) {
    return Optional.ofNullable(rules.get(name));
  }

  private static ChannelRule rule(
      String name,
      AlertConfig.AlertChannel c,
      AlertConfig alerts,
      HttpPost http,
      ObjectMapper json,
      Instance<ReactiveMailer> mailer) {
    String key = "detour.alerts.channels." + name + ".";
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
      throw new IllegalStateException(
          "detour.alerts.channels."
              + name
              + ": a channel's name is lower case letters, digits, - and _");
    }
    String token;
    String secret;
    try {
      token = Secrets.configured(key + "token", c.token(), c.tokenFile()).orElse(null);
      secret = Secrets.configured(key + "secret", c.secret(), c.secretFile()).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage());
    }
    Duration resend =
        c.resendEvery()
            .orElse(
                c.type() == AlertConfig.AlertChannelType.ALERTMANAGER
                    ? Duration.ofMinutes(1)
                    : alerts.resendEvery());
    AlertChannel channel =
        switch (c.type()) {
          case WEBHOOK ->
              new WebhookChannel(url(key, c, null), secret, http, json, Clock.systemUTC());
          case SLACK -> new SlackChannel(url(key, c, null), http, json);
          case TELEGRAM ->
              new TelegramChannel(
                  url(key, c, "https://api.telegram.org"),
                  require(key + "token", token, "the bot's token from @BotFather (or token-file)"),
                  require(key + "chat-id", c.chatId().orElse(null), "the chat the bot writes to"),
                  http,
                  json);
          case NTFY ->
              new NtfyChannel(
                  url(key, c, "https://ntfy.sh"),
                  require(key + "topic", c.topic().orElse(null), "the ntfy topic to publish to"),
                  token,
                  http,
                  json);
          case ALERTMANAGER ->
              new AlertmanagerChannel(url(key, c, null), token, resend, http, json);
          case EMAIL -> email(key, c, alerts, mailer);
        };
    Set<AlertKind> events = EnumSet.allOf(AlertKind.class);
    if (c.events().isPresent()) {
      events = EnumSet.noneOf(AlertKind.class);
      for (String id : c.events().get()) {
        try {
          events.add(AlertKind.parse(id));
        } catch (IllegalArgumentException e) {
          throw new IllegalStateException(
              key + "events: no kind " + id + "; the kinds are " + AlertKind.listed());
        }
      }
    }
    Set<String> groups = c.groups().map(g -> (Set<String>) new TreeSet<>(g)).orElse(null);
    QuietHours quiet = null;
    if (c.quietHours().isPresent()) {
      ZoneId zone;
      try {
        zone = c.timeZone().map(ZoneId::of).orElse(ZoneId.systemDefault());
      } catch (DateTimeException e) {
        throw new IllegalStateException(
            key + "time-zone: " + c.timeZone().get() + " is no time zone, e.g. Europe/Moscow");
      }
      try {
        quiet = QuietHours.parse(c.quietHours().get(), zone);
      } catch (IllegalArgumentException e) {
        throw new IllegalStateException(key + "quiet-hours: " + e.getMessage());
      }
    }
    if (resend.isNegative()) {
      throw new IllegalStateException(key + "resend-every: 0 (never) or a duration, e.g. 4h");
    }
    return new ChannelRule(name, c.type(), channel, events, groups, quiet, resend);
  }

  private static AlertChannel email(
      String key, AlertConfig.AlertChannel c, AlertConfig alerts, Instance<ReactiveMailer> mailer) {
    List<String> to = c.to().orElse(List.of());
    if (to.isEmpty()) {
      throw new IllegalStateException(key + "to: the recipients, e.g. me@example.org");
    }
    for (String address : to) {
      if (!address.matches("[^@\\s]+@[^@\\s]+")) {
        throw new IllegalStateException(key + "to: " + address + " is no e-mail address");
      }
    }
    if (ConfigProvider.getConfig()
        .getOptionalValue("quarkus.mailer.from", String.class)
        .isEmpty()) {
      throw new IllegalStateException(
          key
              + "type=email needs the mail server: set quarkus.mailer.from, quarkus.mailer.host,"
              + " quarkus.mailer.port (and username, password, tls as the server wants)");
    }
    return new EmailChannel(
        mailer.get(),
        to,
        alerts.timeout(),
        ConfigProvider.getConfig()
            .getOptionalValue("quarkus.mailer.password", String.class)
            .orElse(null));
  }

  private static URI url(String key, AlertConfig.AlertChannel c, String fallback) {
    String text = c.url().orElse(fallback);
    if (text == null) {
      throw new IllegalStateException(
          key + "url: where to send, e.g. https://hooks.example.org/detour");
    }
    try {
      URI uri = URI.create(text.strip());
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
          || uri.getHost() == null) {
        throw new IllegalArgumentException("not http(s)");
      }
      return uri;
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(key + "url: an http:// or https:// URL, not " + shown(text));
    }
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

  private static String require(String key, String value, String what) {
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(key + ": " + what);
    }
    return value.strip();
  }
}
