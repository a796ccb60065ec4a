package dev.detour.probe.dns;

import dev.detour.probe.Evidence;
import dev.detour.probe.ProbeKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.ArrayList;
import java.util.List;

/**
 * What a name's DNS answers say: this host's resolvers (which a censoring ISP answers) lie — a
 * bogon, a block page's address, or NXDOMAIN — where the control vantage's resolvers give the
 * name's genuine addresses.
 */
public final class DnsRule implements VerdictRule {

  /** The resolver lies: a bogon, a block-page address or NXDOMAIN where the control resolves. */
  public static final BlockMethod DNS_TAMPERED =
      BlockMethod.spec("dns_tampered", 10, "DNS tampering").notRoutable().restsOn("dns").define();

  @Override
  public ProbeKind kind() {
    return DnsProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(DNS_TAMPERED);
  }

  @Override
  public int order() {
    return 50;
  }

  @Override
  public Verdict name(Evidence here, Evidence there) {
    return here instanceof DnsAnswers local
        ? verdict(local, there instanceof DnsAnswers control ? control : null)
        : null;
  }

  /**
   * A name's verdict from its answers here and from the control vantage (null without one); null
   * when there is nothing to say.
   */
  static Verdict verdict(DnsAnswers local, DnsAnswers control) {
    if (local.answers().isEmpty()) {
      return null;
    }
    List<String> reasons = new ArrayList<>();
    for (DnsEvidence a : local.answers()) {
      if (!a.blockPageAddresses().isEmpty()) {
        reasons.add(
            a.resolver()
                + " answers "
                + a.name()
                + " "
                + a.type()
                + " with the block page's "
                + a.blockPageAddresses());
      } else if (!a.bogons().isEmpty()) {
        reasons.add(
            a.resolver() + " answers " + a.name() + " " + a.type() + " with bogons " + a.bogons());
      }
    }
    boolean controlAnswers = control != null && !control.genuine().isEmpty();
    if (reasons.isEmpty() && controlAnswers) {
      for (DnsEvidence a : local.answers()) {
        if ("NXDOMAIN".equals(a.rcode()) && "A".equals(a.type())) {
          reasons.add(a.resolver() + " says " + a.name() + " does not exist (NXDOMAIN)");
        }
      }
    }
    if (reasons.isEmpty()) {
      return null;
    }
    if (control == null) {
      return Verdict.blocked(DNS_TAMPERED, Verdicts.SIGNATURE_ONLY, reasons, false);
    }
    if (!controlAnswers) {
      // The name has no genuine address from abroad either: nothing says this is a lie.
      return null;
    }
    reasons.add("control resolves it to " + control.genuine());
    return Verdict.blocked(DNS_TAMPERED, Verdicts.CONFIRMED, reasons, false);
  }
}
