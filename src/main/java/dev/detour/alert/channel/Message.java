package dev.detour.alert.channel;

/**
 * A message as rendered for every channel: its facts, title and text.
 *
 * @param id the stored message's id, the same on every retry (receivers drop repeats by it)
 */
public record Message(long id, Alert alert, String title, String text) {}
