package dev.detour.probe.dns;

import dev.detour.probe.Evidence;
import java.util.List;

/** A name asked of every resolver this host uses, for A and AAAA. */
public record DnsAnswers(List<DnsEvidence> answers) implements Evidence {}
