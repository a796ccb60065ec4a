package dev.detour.probe.dns;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpRule;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsEvidence;
import dev.detour.probe.http.TlsRule;
import dev.detour.probe.http.WebEvidence;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.NameSight;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a name's DNS answers say: this host's resolvers (which a censoring ISP answers) lie — a
 * bogon, a block page's address, NXDOMAIN, or a public address that is not the site (it serves
 * another certificate or page than the control's addresses) — where the control vantage's resolvers
 * give the name's genuine addresses.
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
  public Verdict name(NameSight name) {
    if (!(name.here() instanceof DnsAnswers local)) {
      return null;
    }
    DnsAnswers control = name.there() instanceof DnsAnswers c ? c : null;
    Verdict listed = verdict(local, control);
    return listed != null ? listed : inconsistent(local, control, name);
  }

  /**
   * A public address only this host's resolver gives that is not the site (OONI's web
   * connectivity): it does not complete a TLS handshake for the name where the site's address does,
   * presents a certificate that is not for the name, or serves another page. What the address
   * serves is read through the control vantage where it was probed there too — the path from here
   * may be censored, the address itself is what is judged — else from here. A CDN's other edge (its
   * own certificate for the name, the same page) passes.
   */
  static Verdict inconsistent(DnsAnswers local, DnsAnswers control, NameSight name) {
    if (control == null || control.genuine().isEmpty()) {
      return null;
    }
    Set<String> real = control.genuine();
    Optional<Reference> reference = reference(real, name);
    if (reference.isEmpty()) {
      return null;
    }
    for (String mine : local.genuine()) {
      if (real.contains(mine)) {
        continue;
      }
      Optional<NameSight.Address> seen = name.address(mine);
      if (seen.isEmpty()) {
        continue;
      }
      boolean throughControl = seen.get().there() != null && seen.get().there().ran();
      Observation served = throughControl ? seen.get().there() : seen.get().here();
      String lie = served == null ? null : lie(served, reference.get());
      if (lie != null) {
        List<String> reasons = new ArrayList<>();
        reasons.add(
            mine
                + " (only this host's resolver gives it) "
                + lie
                + (throughControl ? " (seen through the control vantage)" : ""));
        reasons.add("control resolves it to " + real);
        return Verdict.blocked(DNS_TAMPERED, Verdicts.COMPARED, reasons, false);
      }
    }
    return null;
  }

  /** The site as the control sees it at one of the control's addresses: certificate, pages. */
  private record Reference(String address, TlsEvidence handshake, List<HttpEvidence> pages) {}

  private static Optional<Reference> reference(Set<String> real, NameSight name) {
    for (NameSight.Address a : name.addresses()) {
      if (!real.contains(a.address()) || a.there() == null) {
        continue;
      }
      TlsEvidence handshake =
          handshake(a.there()).filter(h -> h.stage() == HttpStage.RESPONSE).orElse(null);
      List<HttpEvidence> pages =
          pages(a.there()).stream().filter(p -> p.stage() == HttpStage.RESPONSE).toList();
      if (handshake != null || !pages.isEmpty()) {
        return Optional.of(new Reference(a.address(), handshake, pages));
      }
    }
    return Optional.empty();
  }

  /** How an address is not the site, or null when it may well be. */
  private static String lie(Observation served, Reference site) {
    Optional<TlsEvidence> handshake = handshake(served);
    if (site.handshake() != null && handshake.isPresent()) {
      TlsEvidence h = handshake.get();
      if (h.stage() != HttpStage.RESPONSE) {
        return "does not complete a TLS handshake for "
            + h.serverName()
            + " ("
            + h.stage().label()
            + "), where "
            + site.address()
            + " does";
      }
      if (Boolean.FALSE.equals(h.certificateCoversName())
          && !Objects.equals(h.certificateSha256(), site.handshake().certificateSha256())) {
        return "presents a certificate that is not for "
            + h.serverName()
            + " ("
            + h.certificateSubject()
            + "); "
            + site.address()
            + " presents "
            + site.handshake().certificateSubject();
      }
    }
    for (HttpEvidence page : pages(served)) {
      for (HttpEvidence theirs : site.pages()) {
        if (samePort(page, theirs)
            && page.stage() == HttpStage.RESPONSE
            && !HttpRule.samePage(page, theirs)) {
          return "serves another page: "
              + page.url()
              + " → "
              + HttpRule.shown(page)
              + "; "
              + site.address()
              + ": "
              + HttpRule.shown(theirs);
        }
      }
    }
    return null;
  }

  private static List<HttpEvidence> pages(Observation o) {
    return o.evidence(WebEvidence.class).map(WebEvidence::pages).orElse(List.of());
  }

  private static boolean samePort(HttpEvidence a, HttpEvidence b) {
    return a.url().startsWith("https:") == b.url().startsWith("https:");
  }

  private static Optional<TlsEvidence> handshake(Observation o) {
    return TlsRule.handshake(o, TlsEvidence.Sni.TARGET);
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
