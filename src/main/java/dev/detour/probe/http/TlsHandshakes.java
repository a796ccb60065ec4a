package dev.detour.probe.http;

import dev.detour.probe.Evidence;
import java.util.List;

/** The same TLS handshake with the target's name, with no name and with a decoy name as SNI. */
public record TlsHandshakes(List<TlsEvidence> handshakes) implements Evidence {}
