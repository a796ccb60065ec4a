package dev.detour.targets;

/**
 * A target a user wrote that cannot be watched; the message says what is wrong and how to fix it.
 */
public class InvalidTargetException extends Exception {
  public InvalidTargetException(String message) {
    super(message, null, false, false);
  }
}
