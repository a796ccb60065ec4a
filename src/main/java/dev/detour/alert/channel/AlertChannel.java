package dev.detour.alert.channel;

import java.util.Collection;
import java.util.List;

/**
 * A place messages go: one implementation per kind of channel (webhook, Telegram, Slack, ntfy,
 * e-mail, Alertmanager), built from a channel's settings. This package owns the seam (the contract,
 * the {@link Message} and its {@link Alert}, {@link DeliveryException}) and never looks back into
 * alerting. {@link #send} is called from alerting's own threads, never from a probe's, and may
 * block up to the configured timeout.
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
  default Collection<String> secrets() {
    return List.of();
  }
}
