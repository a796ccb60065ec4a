package dev.detour.alert.channel;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A kind of alert channel, registered as a CDI bean: the label a channel's {@code type} names, the
 * keys of {@code detour.alerts.channels.<name>.} it takes besides those every channel takes, and
 * how a channel is built from them. Alerting finds the kinds among the beans, so a new kind is its
 * channel and this bean (and, when it needs a key no kind has yet, that key in the configuration).
 */
public interface ChannelKind {

  /** What {@code type=} says for this kind: webhook, telegram, … (lower case). */
  String type();

  /** The keys this kind takes, e.g. url, token, token-file, chat-id: any other stops Detour. */
  List<String> keys();

  /** How often a problem is told again when the channel does not say: empty for the default. */
  default Optional<Duration> resendEvery() {
    return Optional.empty();
  }

  /**
   * Builds a channel from its settings; a setting that cannot work throws {@link
   * IllegalStateException} with the key to fix.
   */
  AlertChannel build(ChannelSettings settings);
}
