package dev.detour.alert;

/**
 * A place messages go: one implementation per kind of channel (webhook, Telegram, Slack, ntfy,
 * e-mail, Alertmanager), built from a channel's settings. {@link #send} is called from alerting's
 * own threads, never from a probe's, and may block up to the configured timeout.
 */
public interface AlertChannel {

  /** Delivers one message; throws when it did not arrive (saying whether trying again may help). */
  void send(Message message) throws DeliveryException;

  /** Where messages go, safe to show (no tokens): a host, a chat, recipients. */
  String destination();

  /**
   * What this channel holds that must never be logged or shown: its tokens, passwords and the parts
   * of its URL that may be secret. Delivery errors are masked with them, since a receiver's error
   * answer may echo the request.
   */
  default java.util.Collection<String> secrets() {
    return java.util.List.of();
  }

  /** A message as rendered for every channel: its facts, title and text. */
  record Message(long id, Alert alert, String title, String text) {}
}
