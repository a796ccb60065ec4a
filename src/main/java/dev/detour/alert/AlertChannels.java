package dev.detour.alert;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.AlertChannel;
import dev.detour.alert.channel.AlertKind;
import dev.detour.alert.channel.ChannelKind;
import dev.detour.alert.channel.ChannelSettings;
import dev.detour.alert.channel.HttpPost;
import dev.detour.system.Secrets;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * The configured channels ({@code detour.alerts.channels.<name>.*}), checked at start: a channel
 * that cannot work (a type no kind has, no URL, no token, a bad quiet-hours range) stops Detour
 * with the key to fix, rather than failing quietly at the first block. What varies by type is the
 * business of the {@link ChannelKind}s, found among the beans.
 */
@ApplicationScoped
public class AlertChannels {

  private static final String PREFIX = "detour.alerts.channels.";

  /** The keys every channel takes, whatever its type; the rest are its kind's. */
  static final List<String> SHARED_KEYS =
      List.of("type", "groups", "events", "quiet-hours", "time-zone", "resend-every");

  private final Map<String, ChannelRule> rules;

  @Inject
  public AlertChannels(AlertConfig config, Instance<ChannelKind> kinds, ObjectMapper json) {
    this(config, kinds, ConfigProvider.getConfig().getPropertyNames(), json);
  }

  /**
   * @param propertyNames every configuration key that is set: the mapping is a union of every
   *     kind's keys and cannot say by name which of them a channel sets
   */
  AlertChannels(
      AlertConfig config,
      Iterable<ChannelKind> kinds,
      Iterable<String> propertyNames,
      ObjectMapper json) {
    Map<String, ChannelKind> byType = new TreeMap<>();
    for (ChannelKind kind : kinds) {
      if (byType.put(kind.type(), kind) != null) {
        throw new IllegalStateException("Two kinds of alert channel are called " + kind.type());
      }
    }
    // Read once: SmallRye's names can be gone through only once.
    List<String> channelKeys = new ArrayList<>();
    for (String property : propertyNames) {
      if (property.startsWith(PREFIX)) {
        channelKeys.add(property);
      }
    }
    HttpPost http = new HttpPost(config.timeout());
    Map<String, ChannelRule> all = new LinkedHashMap<>();
    for (var e : new TreeMap<>(config.channels()).entrySet()) {
      all.put(e.getKey(), rule(e.getKey(), e.getValue(), config, byType, channelKeys, http, json));
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
      Map<String, ChannelKind> kinds,
      List<String> channelKeys,
      HttpPost http,
      ObjectMapper json) {
    String key = PREFIX + name + ".";
    if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
      throw new IllegalStateException(
          PREFIX + name + ": a channel's name is lower case letters, digits, - and _");
    }
    ChannelKind kind = kinds.get(c.type().strip().toLowerCase(Locale.ROOT));
    if (kind == null) {
      throw new IllegalStateException(
          key
              + "type: no channel type '"
              + c.type()
              + "'; the types are "
              + String.join(", ", kinds.keySet()));
    }
    takesOnlyItsKeys(key, kind, channelKeys);
    String token;
    String secret;
    try {
      token = Secrets.configured(key + "token", c.token(), c.tokenFile()).orElse(null);
      secret = Secrets.configured(key + "secret", c.secret(), c.secretFile()).orElse(null);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(e.getMessage());
    }
    Duration resend = c.resendEvery().or(kind::resendEvery).orElse(alerts.resendEvery());
    AlertChannel channel =
        kind.build(
            new ChannelSettings(
                key,
                c.url().orElse(null),
                secret,
                token,
                c.chatId().orElse(null),
                c.topic().orElse(null),
                c.to().orElse(List.of()),
                resend,
                alerts.timeout(),
                http,
                json));
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
    return new ChannelRule(name, kind.type(), channel, events, groups, quiet, resend);
  }

  /**
   * A key set for a channel that its type does not take stops Detour: it is a mistake (a webhook
   * with a chat-id, a Telegram channel with a secret), and would otherwise be ignored without a
   * word.
   */
  private static void takesOnlyItsKeys(String prefix, ChannelKind kind, List<String> channelKeys) {
    for (String property : channelKeys) {
      if (!property.startsWith(prefix)) {
        continue;
      }
      // A list may be written item by item: to[0]=…, to[1]=…
      String key = property.substring(prefix.length()).replaceFirst("\\[\\d+]$", "");
      if (!SHARED_KEYS.contains(key) && !kind.keys().contains(key)) {
        throw new IllegalStateException(
            prefix
                + key
                + ": type "
                + kind.type()
                + " takes no "
                + key
                + "; it takes "
                + String.join(", ", kind.keys())
                + " and, as every channel, "
                + String.join(", ", SHARED_KEYS));
      }
    }
  }
}
