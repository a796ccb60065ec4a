package dev.detour.alert;

import dev.detour.alert.channel.Alert;
import dev.detour.alert.channel.AlertChannel;
import dev.detour.alert.channel.AlertKind;
import java.time.Duration;
import java.util.Set;

/**
 * A configured channel and its rules: which kinds of message and which groups' watches it takes,
 * its quiet hours and how often it repeats what still holds.
 *
 * @param type the kind of channel, as {@code type=} names it: webhook, telegram, …
 * @param groups null for every group
 * @param quiet null for none
 */
public record ChannelRule(
    String name,
    String type,
    AlertChannel channel,
    Set<AlertKind> events,
    Set<String> groups,
    QuietHours quiet,
    Duration resendEvery) {

  /** Whether this channel is told {@code alert}: a test always; outages and routers concern all. */
  public boolean accepts(Alert alert) {
    if (alert.kind() == AlertKind.TEST) {
      return true;
    }
    if (!events.contains(alert.kind())) {
      return false;
    }
    return groups == null || alert.group() == null || groups.contains(alert.group());
  }
}
