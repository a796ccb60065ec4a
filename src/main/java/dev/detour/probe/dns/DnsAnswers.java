package dev.detour.probe.dns;

import dev.detour.probe.Evidence;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** A name asked of every resolver this host uses, for A and AAAA. */
public record DnsAnswers(List<DnsEvidence> answers) implements Evidence {

  /** The genuine addresses among the answers: not bogons, not block pages. */
  public Set<String> genuine() {
    Set<String> all = new TreeSet<>();
    for (DnsEvidence a : answers) {
      for (String address : a.addresses()) {
        if (!a.bogons().contains(address) && !a.blockPageAddresses().contains(address)) {
          all.add(address);
        }
      }
    }
    return all;
  }

  /** Whether any resolver answered at all (with any code). */
  public boolean anyAnswered() {
    return answers.stream().anyMatch(DnsEvidence::answered);
  }
}
