package dev.detour.targets;

import java.util.List;

/** A target as parsed, with what normalisation changed that the user should be told about. */
public record ParsedTarget(Target target, List<String> warnings) {}
