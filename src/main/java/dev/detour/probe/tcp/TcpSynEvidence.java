package dev.detour.probe.tcp;

import dev.detour.probe.Evidence;
import java.util.List;

/** Both SYN shapes to every port of a watch, in the order they were sent. */
public record TcpSynEvidence(List<SynEvidence> syns) implements Evidence {}
