package dev.detour.probe.quic;

import dev.detour.probe.ProbeKind;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Sight;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.List;
import java.util.Optional;

/**
 * What the QUIC probe's evidence says: QUIC (UDP 443) gets no answer here, or a port unreachable,
 * while the same handshake through the control is answered — the ISP blocks QUIC apart from TCP. A
 * host that serves no QUIC is silent from both vantages: no block, and no sign of it being down
 * either, since TCP decides that.
 */
public final class QuicRule implements VerdictRule {

  /**
   * QUIC is blocked here and answered through the control. Not routable by default — TCP may still
   * work, and a browser falls back to it — unless the watch's group says so ({@code
   * routeQuicBlocks}).
   */
  public static final BlockMethod QUIC_BLOCKED =
      BlockMethod.spec("quic_blocked", 75, "QUIC blocked")
          .routableOnRequest()
          .restsOn("quic")
          .define();

  @Override
  public ProbeKind kind() {
    return QuicProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(QUIC_BLOCKED);
  }

  @Override
  public int order() {
    return 45;
  }

  @Override
  public List<Check> checks() {
    return List.of(new Check(75, QuicRule::blocked));
  }

  static Optional<QuicEvidence> quic(Observation o) {
    return o.evidence(QuicEvidence.class);
  }

  @Override
  public boolean answers(Sight.Side side) {
    return quic(side.observation()).map(QuicEvidence::reached).orElse(false);
  }

  @Override
  public void upReasons(Sight.Side side, List<String> out) {
    quic(side.observation())
        .filter(QuicEvidence::reached)
        .ifPresent(
            q ->
                out.add(
                    q.outcome() == QuicEvidence.Outcome.HANDSHAKE
                        ? "QUIC: handshake in " + q.handshakeMillis() + " ms"
                        : "QUIC: answered (" + q.received() + " datagrams)"));
  }

  /** Silent or unreachable here; answered through the control. */
  private static Optional<Verdict> blocked(Sight sight) {
    Optional<QuicEvidence> here = quic(sight.here().observation());
    if (here.isEmpty() || here.get().reached() || !sight.withControl()) {
      // Without a control a silent UDP port is as likely no QUIC at all: never a block.
      return Optional.empty();
    }
    Optional<QuicEvidence> there = quic(sight.there().observation());
    if (there.isEmpty() || !there.get().reached()) {
      // Silent from both: no QUIC served (or the host is down; TCP tells).
      return Optional.empty();
    }
    boolean silent = here.get().outcome() == QuicEvidence.Outcome.SILENT;
    List<String> reasons =
        List.of(
            "QUIC to "
                + here.get().address()
                + ":443 (SNI "
                + here.get().serverName()
                + "): "
                + (silent ? here.get().sent() + " Initials, no answer" : "ICMP port unreachable")
                + " here",
            "control: "
                + (there.get().outcome() == QuicEvidence.Outcome.HANDSHAKE
                    ? "handshake in " + there.get().handshakeMillis() + " ms"
                    : "answered (" + there.get().received() + " datagrams)"));
    return Optional.of(
        Verdict.blocked(
            QUIC_BLOCKED, silent ? Verdicts.COMPARED : Verdicts.CONFIRMED, reasons, silent));
  }
}
