package dev.detour.probe.http;

import dev.detour.probe.Evidence;
import java.util.List;

/** One HTTP(S) request per port of a watch. */
public record WebEvidence(List<HttpEvidence> pages) implements Evidence {}
