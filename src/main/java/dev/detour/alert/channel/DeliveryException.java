package dev.detour.alert.channel;

import java.time.Duration;

/**
 * A message that did not arrive. {@code retryable}: a timeout, a 5xx, a 429 — trying later may
 * work; otherwise (a 400, a wrong token) trying again sends the same wrong request, so the message
 * is given up at once and shown as failed.
 */
public class DeliveryException extends Exception {

  private final boolean retryable;
  private final Duration retryAfter;

  public DeliveryException(String message, boolean retryable, Duration retryAfter) {
    super(message, null, false, false);
    this.retryable = retryable;
    this.retryAfter = retryAfter;
  }

  public static DeliveryException retry(String message) {
    return new DeliveryException(message, true, null);
  }

  public static DeliveryException permanent(String message) {
    return new DeliveryException(message, false, null);
  }

  public boolean retryable() {
    return retryable;
  }

  /** What the receiver asked for (Retry-After, Telegram's retry_after), or null. */
  public Duration retryAfter() {
    return retryAfter;
  }
}
