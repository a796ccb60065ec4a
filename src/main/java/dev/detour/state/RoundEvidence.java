package dev.detour.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.verdict.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * Everything one round of one watch saw: the name's answers here and from the control vantage, each
 * address's probes from both, the control's health, and the round's verdict.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RoundEvidence(
    Instant at,
    long millis,
    String control,
    DnsAnswers localDns,
    DnsAnswers controlDns,
    List<AddressEvidence> addresses,
    Verdict verdict) {}
