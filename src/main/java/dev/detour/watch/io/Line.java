package dev.detour.watch.io;

/** A decoded line of an uploaded file and its 1-based number. */
public record Line(int number, String text) {}
