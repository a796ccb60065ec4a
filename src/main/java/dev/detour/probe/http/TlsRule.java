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
 * handshake with no name, or another, completes — the censor reads the SNI; a hello of one shape
 * fails while another shape naming the same site passes — it reads the hello's fingerprint, or its
 * Encrypted Client Hello extension.
 */
public final class TlsRule implements VerdictRule {

  /**
   * The browser-shaped hello with a GREASE ECH extension fails here while the same hello without it
   * passes, and all pass through the control: the censor drops Encrypted Client Hello
   * (Cloudflare's, since November 2024).
   */
  public static final BlockMethod ECH_BLOCKED =
      BlockMethod.spec("ech_blocked", 51, "ECH blocked").restsOn("tls").define();

  /**
   * A hello of one shape fails here while another shape naming the same site passes, and all pass
   * through the control: the censor keys on the hello's fingerprint (a browser's, a VPN's).
   */
  public static final BlockMethod TLS_FINGERPRINT_BLOCKED =
      BlockMethod.spec("tls_fingerprint_blocked", 52, "TLS fingerprint filtering")
          .restsOn("tls")
          .define();

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
    return List.of(TLS_SNI_BLOCKED, ECH_BLOCKED, TLS_FINGERPRINT_BLOCKED);
  }

  @Override
  public int order() {
    return 40;
  }

  @Override
  public List<Check> checks() {
    return List.of(
        new Check(40, TlsRule::sni),
        new Check(41, TlsRule::ech),
        new Check(42, TlsRule::fingerprint));
  }

  /** A hello that passed shows the site answering. */
  @Override
  public boolean answers(Sight.Side side) {
    return side.observation()
        .evidence(TlsHandshakes.class)
        .map(t -> t.handshakes().stream().anyMatch(TlsEvidence::passed))
        .orElse(false);
  }

  /** The JDK's TLS handshake with one choice of SNI, if it ran. */
  public static Optional<TlsEvidence> handshake(Observation o, TlsEvidence.Sni sni) {
    return hello(o, sni, TlsEvidence.Shape.JAVA);
  }

  /** The hello of one shape with one choice of SNI, if it ran. */
  static Optional<TlsEvidence> hello(Observation o, TlsEvidence.Sni sni, TlsEvidence.Shape shape) {
    return o.evidence(TlsHandshakes.class)
        .flatMap(
            t ->
                t.handshakes().stream()
                    .filter(h -> h.sni() == sni && h.helloShape() == shape)
                    .findFirst());
  }

  /** The hellos naming the target, one per shape that ran. */
  static List<TlsEvidence> shapes(Observation o) {
    List<TlsEvidence> all = new ArrayList<>();
    for (TlsEvidence.Shape shape : TlsEvidence.Shape.values()) {
      hello(o, TlsEvidence.Sni.TARGET, shape).ifPresent(all::add);
    }
    return all;
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

  /** Only the hello with ECH fails here; through the control every shape passes. */
  private static Optional<Verdict> ech(Sight sight) {
    Observation local = sight.here().observation();
    Optional<TlsEvidence> withEch =
        hello(local, TlsEvidence.Sni.TARGET, TlsEvidence.Shape.BROWSER_ECH);
    Optional<TlsEvidence> without = hello(local, TlsEvidence.Sni.TARGET, TlsEvidence.Shape.BROWSER);
    if (withEch.isEmpty()
        || without.isEmpty()
        || !broken(withEch.get())
        || !without.get().passed()
        || !sight.withControl()) {
      // Without a control, a server that refuses ECH itself reads the same: never a block.
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    reasons.add(
        TlsEvidence.Shape.BROWSER_ECH.description()
            + " for "
            + withEch.get().serverName()
            + ": "
            + how(withEch.get())
            + "; without ECH the server answers");
    return controlled(sight, ECH_BLOCKED, reasons, withEch.get());
  }

  /** One shape fails here while another passes; through the control every shape passes. */
  private static Optional<Verdict> fingerprint(Sight sight) {
    List<TlsEvidence> here = shapes(sight.here().observation());
    // Failed at the hello itself: a connection that never opened says nothing of its shape.
    Optional<TlsEvidence> failed = here.stream().filter(TlsRule::broken).findFirst();
    Optional<TlsEvidence> passed = here.stream().filter(TlsEvidence::passed).findFirst();
    if (failed.isEmpty() || passed.isEmpty() || !sight.withControl()) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    // The first reason is the summary's: what failed, how, and what passed.
    reasons.add(
        failed.get().helloShape().description()
            + " for "
            + failed.get().serverName()
            + ": "
            + how(failed.get())
            + "; "
            + passed.get().helloShape().description()
            + " passes");
    for (TlsEvidence h : here) {
      if (h != failed.get() && h != passed.get()) {
        reasons.add(
            h.helloShape().description() + ": " + (h.passed() ? "the server answers" : how(h)));
      }
    }
    return controlled(sight, TLS_FINGERPRINT_BLOCKED, reasons, failed.get());
  }

  /**
   * A shape's failure here made a block when every shape naming the target passes through the
   * control; else the control fails the same way, and it is the site's doing.
   */
  private static Optional<Verdict> controlled(
      Sight sight, BlockMethod method, List<String> reasons, TlsEvidence failed) {
    List<TlsEvidence> there = shapes(sight.there().observation());
    boolean ok =
        there.size() == TlsEvidence.Shape.values().length
            && there.stream().allMatch(TlsEvidence::passed);
    reasons.add(
        "control: "
            + (ok
                ? "every shape passes"
                : there.stream()
                    .filter(h -> !h.passed())
                    .map(h -> h.helloShape().description() + " " + how(h))
                    .findFirst()
                    .orElse("not probed")));
    boolean timeouts = failed.stage() == HttpStage.TLS_TIMEOUT;
    Verdict v = Verdict.blocked(method, Verdicts.COMPARED, reasons, timeouts);
    return Optional.of(ok ? v : Verdicts.unconfirmed(v));
  }

  /** How a hello failed, in a word or a few: reset, silence, a freeze after some bytes. */
  static String how(TlsEvidence h) {
    return switch (h.stage()) {
      case TLS_RESET -> "reset";
      case TLS_TIMEOUT ->
          h.error() != null && h.error().startsWith("froze") ? h.error() : "silence (no answer)";
      default -> h.stage().label() + (h.error() != null ? " (" + h.error() + ")" : "");
    };
  }

  private static boolean broken(TlsEvidence h) {
    return h.stage() == HttpStage.TLS_RESET
        || h.stage() == HttpStage.TLS_TIMEOUT
        || h.stage() == HttpStage.TLS_FAILED;
  }
}
