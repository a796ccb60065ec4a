package dev.detour.probe.dns;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * One DNS question to one resolver and its answer: the response code, every address, which of them
 * are bogons (private, loopback, reserved — never a real site's) or known block-page addresses, and
 * how long it took.
 *
 * @param rcode {@code NOERROR}, {@code NXDOMAIN}, {@code SERVFAIL}, …, or null without an answer
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DnsEvidence(
    String name,
    String type,
    String resolver,
    String rcode,
    List<String> addresses,
    List<String> bogons,
    List<String> blockPageAddresses,
    long millis,
    String error) {

  public boolean answered() {
    return rcode != null;
  }
}
