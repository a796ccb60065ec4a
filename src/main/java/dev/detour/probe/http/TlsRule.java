package dev.detour.probe.http;

import dev.detour.probe.ProbeKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Sight;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the TLS probe's evidence says: the handshake naming the target fails while the same
 * handshake with no name, or another, completes — the censor reads the SNI.
 */
public final class TlsRule implements VerdictRule {

  /** The TLS handshake naming the target fails, without the name (or with another) it passes. */
  public static final BlockMethod TLS_SNI_BLOCKED =
      BlockMethod.spec("tls_sni_blocked", 50, "TLS SNI filtering")
          .traceable()
          .restsOn("tls")
          .define();

  @Override
  public ProbeKind kind() {
    return TlsProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(TLS_SNI_BLOCKED);
  }

  @Override
  public int order() {
    return 40;
  }

  @Override
  public List<Check> checks() {
    return List.of(new Check(40, TlsRule::sni));
  }

  /** The TLS handshake with one choice of SNI, if it ran. */
  static Optional<TlsEvidence> handshake(Observation o, TlsEvidence.Sni sni) {
    return o.evidence(TlsHandshakes.class)
        .flatMap(t -> t.handshakes().stream().filter(h -> h.sni() == sni).findFirst());
  }

  private static Optional<Verdict> sni(Sight sight) {
    Observation local = sight.here().observation();
    Optional<TlsEvidence> target = handshake(local, TlsEvidence.Sni.TARGET);
    if (target.isEmpty() || !broken(target.get())) {
      return Optional.empty();
    }
    Optional<TlsEvidence> other =
        handshake(local, TlsEvidence.Sni.NONE)
            .filter(h -> h.stage() == HttpStage.RESPONSE)
            .or(
                () ->
                    handshake(local, TlsEvidence.Sni.DECOY)
                        .filter(h -> h.stage() == HttpStage.RESPONSE));
    if (other.isEmpty()) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    reasons.add(
        "TLS with SNI "
            + target.get().serverName()
            + ": "
            + target.get().stage().label()
            + "; with "
            + (other.get().serverName() == null ? "no SNI" : "SNI " + other.get().serverName())
            + ": handshake completes");
    boolean timeoutsOnly = target.get().stage() == HttpStage.TLS_TIMEOUT;
    if (!sight.withControl()) {
      return Optional.of(
          Verdict.blocked(TLS_SNI_BLOCKED, Verdicts.SIGNATURE_ONLY, reasons, timeoutsOnly));
    }
    Optional<TlsEvidence> abroad = handshake(sight.there().observation(), TlsEvidence.Sni.TARGET);
    boolean ok = abroad.isPresent() && abroad.get().stage() == HttpStage.RESPONSE;
    reasons.add(
        "control: TLS with SNI "
            + target.get().serverName()
            + (ok ? " completes" : ": " + abroad.map(h -> h.stage().label()).orElse("not probed")));
    Verdict v = Verdict.blocked(TLS_SNI_BLOCKED, Verdicts.CONFIRMED, reasons, timeoutsOnly);
    return Optional.of(ok ? v : Verdicts.unconfirmed(v));
  }

  private static boolean broken(TlsEvidence h) {
    return h.stage() == HttpStage.TLS_RESET
        || h.stage() == HttpStage.TLS_TIMEOUT
        || h.stage() == HttpStage.TLS_FAILED;
  }
}
