package dev.detour.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.detour.alert.channel.AlertKind;
import dev.detour.alert.channel.AlertmanagerChannel;
import dev.detour.alert.channel.ChannelKind;
import dev.detour.alert.channel.EmailChannel;
import dev.detour.alert.channel.NtfyChannel;
import dev.detour.alert.channel.SlackChannel;
import dev.detour.alert.channel.TelegramChannel;
import dev.detour.alert.channel.WebhookChannel;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A channel that cannot work stops Detour at start, naming the key to fix. */
class AlertChannelsTest {

  static AlertChannels channels(String... kv) {
    Map<String, String> props = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      props.put("detour.alerts.channels." + kv[i], kv[i + 1]);
    }
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withMapping(AlertConfig.class)
            // "30s", "4h": Quarkus' own durations, as at run time.
            .withConverter(Duration.class, 200, new DurationConverter())
            .withSources(new PropertiesConfigSource(props, "test", 500))
            .build();
    return new AlertChannels(
        config.getConfigMapping(AlertConfig.class),
        kinds(),
        config.getPropertyNames(),
        new ObjectMapper());
  }

  /** Every kind of channel, as CDI finds them (e-mail without a mailer: none is sent here). */
  static List<ChannelKind> kinds() {
    return List.of(
        new WebhookChannel.Kind(),
        new TelegramChannel.Kind(),
        new SlackChannel.Kind(),
        new NtfyChannel.Kind(),
        new EmailChannel.Kind(null),
        new AlertmanagerChannel.Kind());
  }

  @Test
  void aWorkingSetOfChannels() throws Exception {
    Path token = Files.createTempFile("tg-token", "");
    Files.writeString(token, "42:from-a-file\nsecond line ignored\n");
    AlertChannels all =
        channels(
            "tg.type", "telegram",
            "tg.token-file", token.toString(),
            "tg.chat-id", "-100",
            "tg.events", "blocked,mass-block",
            "tg.groups", "telegram,news",
            "tg.quiet-hours", "23:00-07:30",
            "tg.time-zone", "Europe/Moscow",
            "am.type", "alertmanager",
            "am.url", "http://alertmanager:9093");
    ChannelRule tg = all.get("tg").orElseThrow();
    assertThat(tg.channel().destination()).isEqualTo("chat -100 via https://api.telegram.org");
    assertThat(tg.events()).containsExactlyInAnyOrder(AlertKind.BLOCKED, AlertKind.MASS_BLOCK);
    assertThat(tg.groups()).containsExactly("news", "telegram");
    assertThat(tg.quiet().toString()).isEqualTo("23:00-07:30 Europe/Moscow");
    assertThat(tg.resendEvery()).hasHours(4);
    assertThat(all.get("am").orElseThrow().resendEvery()).hasMinutes(1);
    assertThat(all.all()).extracting(ChannelRule::name).containsExactly("am", "tg");
  }

  @Test
  void whatIsMissingOrWrongIsNamed() {
    assertThatThrownBy(() -> channels("hook.type", "webhook"))
        .hasMessage(
            "detour.alerts.channels.hook.url: where to send, e.g. https://hooks.example.org/detour");
    assertThatThrownBy(() -> channels("hook.type", "webhook", "hook.url", "ftp://x"))
        .hasMessageContaining("hook.url: an http:// or https:// URL, not ftp://x");
    assertThatThrownBy(() -> channels("tg.type", "telegram", "tg.chat-id", "1"))
        .hasMessageContaining("tg.token: the bot's token");
    assertThatThrownBy(() -> channels("tg.type", "telegram", "tg.token", "t"))
        .hasMessageContaining("tg.chat-id: the chat the bot writes to");
    assertThatThrownBy(() -> channels("n.type", "ntfy"))
        .hasMessageContaining("n.topic: the ntfy topic");
    assertThatThrownBy(() -> channels("m.type", "email"))
        .hasMessageContaining("m.to: the recipients");
    assertThatThrownBy(() -> channels("m.type", "email", "m.to", "not-an-address"))
        .hasMessageContaining("not-an-address is no e-mail address");
    assertThatThrownBy(
            () -> channels("h.type", "webhook", "h.url", "http://h", "h.events", "blocked,oops"))
        .hasMessageContaining("h.events: no kind oops; the kinds are blocked, cleared");
    assertThatThrownBy(
            () -> channels("h.type", "webhook", "h.url", "http://h", "h.quiet-hours", "night"))
        .hasMessageContaining("h.quiet-hours: quiet hours are a range of the day");
    assertThatThrownBy(
            () ->
                channels(
                    "h.type",
                    "webhook",
                    "h.url",
                    "http://h",
                    "h.quiet-hours",
                    "22:00-06:00",
                    "h.time-zone",
                    "Mars/Olympus"))
        .hasMessageContaining("h.time-zone: Mars/Olympus is no time zone");
    assertThatThrownBy(
            () -> channels("h.type", "webhook", "h.url", "http://h", "h.secret-file", "/nope"))
        .hasMessageContaining("h.secret-file: cannot read /nope");
    assertThatThrownBy(() -> channels("Bad Name.type", "webhook", "Bad Name.url", "http://h"))
        .hasMessageContaining("a channel's name is lower case letters, digits, - and _");
  }

  @Test
  void aTypeNoKindHasIsNamedWithTheTypesThereAre() {
    assertThatThrownBy(() -> channels("tg.type", "x", "tg.url", "http://h"))
        .hasMessage(
            "detour.alerts.channels.tg.type: no channel type 'x'; the types are alertmanager,"
                + " email, ntfy, slack, telegram, webhook");
    assertThat(channels("hook.type", "WebHook", "hook.url", "http://h").get("hook").orElseThrow())
        .extracting(ChannelRule::type)
        .isEqualTo("webhook");
  }

  @Test
  void aKeyItsTypeDoesNotTakeIsNamedWithTheKeysItTakes() {
    assertThatThrownBy(
            () -> channels("hook.type", "webhook", "hook.url", "http://h", "hook.chat-id", "-100"))
        .hasMessage(
            "detour.alerts.channels.hook.chat-id: type webhook takes no chat-id; it takes url,"
                + " secret, secret-file and, as every channel, type, groups, events, quiet-hours,"
                + " time-zone, resend-every");
    assertThatThrownBy(
            () ->
                channels(
                    "tg.type", "telegram", "tg.token", "t", "tg.chat-id", "1", "tg.secret", "s"))
        .hasMessageStartingWith(
            "detour.alerts.channels.tg.secret: type telegram takes no secret; it takes url,"
                + " token, token-file, chat-id and,");
    assertThatThrownBy(
            () -> channels("s.type", "slack", "s.url", "http://h", "s.to", "me@example.org"))
        .hasMessageStartingWith(
            "detour.alerts.channels.s.to: type slack takes no to; it takes url");
    assertThatThrownBy(
            () -> channels("m.type", "email", "m.to", "me@example.org", "m.token-file", "/t"))
        .hasMessageStartingWith(
            "detour.alerts.channels.m.token-file: type email takes no token-file; it takes to");
    // A list written item by item is the same key.
    assertThatThrownBy(() -> channels("m.type", "email", "m.to[0]", "not-an-address"))
        .hasMessageContaining("m.to: not-an-address is no e-mail address");
  }

  @Test
  void channelsShowWhereTheySendButNotWithWhat() {
    AlertChannels all =
        channels(
            "hook.type", "webhook",
            "hook.url", "https://u:pw-123456@hooks.example.org/in/hook-key-123456?sig=q-12345678",
            "hook.secret", "hmac-secret",
            "slack.type", "slack",
            "slack.url", "https://hooks.slack.com/services/T01/B02/slack-token-1234",
            "tg.type", "telegram",
            "tg.token", "42:bot-token",
            "tg.chat-id", "-100",
            "ntfy.type", "ntfy",
            "ntfy.topic", "alerts",
            "ntfy.url", "https://x:ntfy-pw-1@ntfy.example",
            "ntfy.token", "tk_ntfy-token",
            "am.type", "alertmanager",
            "am.url", "http://alertmanager:9093",
            "am.token", "am-token-1");
    Map<String, String> shown = new HashMap<>();
    Map<String, String> held = new HashMap<>();
    for (ChannelRule r : all.all()) {
      shown.put(r.name(), r.channel().destination());
      held.put(r.name(), String.join(" ", r.channel().secrets()));
    }
    assertThat(shown)
        .containsEntry("hook", "https://hooks.example.org (signed)")
        .containsEntry("slack", "https://hooks.slack.com")
        .containsEntry("tg", "chat -100 via https://api.telegram.org")
        .containsEntry("ntfy", "alerts on https://ntfy.example")
        .containsEntry("am", "http://alertmanager:9093");
    assertThat(held.get("hook"))
        .contains("u:pw-123456", "hook-key-123456", "q-12345678", "hmac-secret");
    assertThat(held.get("slack")).contains("slack-token-1234");
    assertThat(held.get("tg")).contains("42:bot-token");
    assertThat(held.get("ntfy")).contains("tk_ntfy-token", "x:ntfy-pw-1");
    assertThat(held.get("am")).contains("am-token-1");
  }
}
