package dev.detour.state;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.probe.ProbeService;
import dev.detour.verdict.Verdict;

/**
 * One address probed in a round, from both vantages, and what that said.
 *
 * @param part the block of a prefix watch this address stands for, or null
 * @param control null without a usable control vantage
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record AddressEvidence(
    String address,
    String part,
    ProbeService.Run local,
    ProbeService.Run control,
    Verdict verdict) {}
