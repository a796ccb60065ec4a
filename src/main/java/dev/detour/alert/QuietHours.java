package dev.detour.alert;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;

/**
 * Hours of the day in which a channel's messages are held and sent when they end, e.g. {@code
 * 23:00-07:30} (across midnight) in a time zone.
 */
public record QuietHours(LocalTime from, LocalTime until, ZoneId zone) {

  /** Parses {@code HH:MM-HH:MM}; the message of the exception says what is wrong. */
  public static QuietHours parse(String text, ZoneId zone) {
    String[] parts = text.strip().split("\\s*-\\s*");
    if (parts.length != 2) {
      throw new IllegalArgumentException(
          "quiet hours are a range of the day, e.g. 23:00-07:30, not " + text);
    }
    try {
      LocalTime from = LocalTime.parse(parts[0]);
      LocalTime until = LocalTime.parse(parts[1]);
      if (from.equals(until)) {
        throw new IllegalArgumentException("quiet hours " + text + " are empty");
      }
      return new QuietHours(from, until, zone);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          "quiet hours are HH:MM-HH:MM on a 24-hour clock, e.g. 23:00-07:30, not " + text);
    }
  }

  /** When the quiet hours around {@code now} end, or null when {@code now} is not in them. */
  public Instant releaseAt(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    LocalTime t = local.toLocalTime();
    boolean overnight = from.isAfter(until);
    boolean quiet =
        overnight ? !t.isBefore(from) || t.isBefore(until) : !t.isBefore(from) && t.isBefore(until);
    if (!quiet) {
      return null;
    }
    ZonedDateTime end = local.with(until);
    if (!end.isAfter(local)) {
      end = local.plusDays(1).with(until);
    }
    return end.toInstant();
  }

  @Override
  public String toString() {
    return from + "-" + until + " " + zone;
  }
}
