package dev.detour.probe.tcp;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.icmp.IcmpEvidence;
import dev.detour.probe.icmp.IcmpRule;
import dev.detour.probe.packet.SynShape;
import dev.detour.probe.tcp.TcpPorts.Fate;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.CommonReasons;
import dev.detour.verdict.PerPort;
import dev.detour.verdict.Sight;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the TCP probes' evidence says, port by port: DPI keyed on the SYN's shape, injected resets,
 * ports that vanish here and open through the control vantage, and — when the host answers TCP but
 * not ping here while the control is answered — filtered pings.
 */
public final class TcpRule implements VerdictRule {

  /** A bare SYN is accepted, a browser-like one is reset or dropped. */
  public static final BlockMethod DPI_SYN_SIGNATURE =
      BlockMethod.spec("dpi_syn_signature", 30, "DPI on the SYN's shape")
          .traceable()
          .restsOn("tcp_syn", "tcp_connect", "http")
          .define();

  /** A reset answers the SYN that the host did not send (TTL, ACK, count, timing). */
  public static final BlockMethod TCP_RST_INJECTED =
      BlockMethod.spec("tcp_rst_injected", 40, "injected TCP reset")
          .traceable()
          .restsOn("tcp_syn", "tcp_connect", "http")
          .define();

  /** SYNs vanish where the control vantage is answered. */
  public static final BlockMethod TCP_BLACKHOLE =
      BlockMethod.spec("tcp_blackhole", 70, "black hole")
          .traceable()
          .restsOn("tcp_syn", "tcp_connect", "http")
          .define();

  private static final ProbeKind KIND = SynProbe.KIND;

  @Override
  public ProbeKind kind() {
    return KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(DPI_SYN_SIGNATURE, TCP_RST_INJECTED, TCP_BLACKHOLE);
  }

  @Override
  public int order() {
    return 10;
  }

  @Override
  public List<Check> checks() {
    return List.of(
        new Check(20, TcpRule::dpiSyn),
        new Check(30, TcpRule::injectedRst),
        new Check(60, TcpRule::blackhole),
        new Check(70, TcpRule::pingOnlyFiltered),
        new Check(80, TcpRule::everythingVanishes));
  }

  /** The side's ports, judged once a round. */
  static TcpPorts ports(Sight.Side side) {
    return side.view(TcpPorts.class, s -> TcpPorts.of(s.observation(), s.template()));
  }

  @Override
  public boolean answers(Sight.Side side) {
    return ports(side).hostAnswered();
  }

  @Override
  public void upReasons(Sight.Side side, List<String> out) {
    for (TcpPorts.Port p : ports(side).ports()) {
      out.add(
          CommonReasons.common(
              "port "
                  + p.port()
                  + ": "
                  + (p.any(Fate.OPEN)
                      ? "open"
                      : p.any(Fate.CLOSED) ? "closed by the host" : "silent")));
    }
  }

  private static Optional<Verdict> dpiSyn(Sight sight) {
    TcpPorts here = ports(sight.here());
    if (!here.raw()) {
      return Optional.empty();
    }
    PerPort found = new PerPort();
    for (TcpPorts.Port p : here.ports()) {
      Fate bare = p.of(SynShape.BARE);
      Fate linux = p.of(SynShape.LINUX);
      if (bare != Fate.OPEN || linux == null || linux == Fate.OPEN || linux == Fate.CLOSED) {
        continue;
      }
      List<String> reasons = new ArrayList<>();
      reasons.add(
          "port "
              + p.port()
              + ": the bare 44-byte SYN gets SYN-ACK, the 60-byte Linux SYN gets "
              + (linux == Fate.INJECTED
                  ? "an injected reset"
                  : linux.name().toLowerCase(Locale.ROOT)));
      reasons.addAll(p.why());
      boolean ok = true;
      if (sight.withControl()) {
        TcpPorts.Port abroad = ports(sight.there()).port(p.port());
        ok = abroad != null && abroad.of(SynShape.LINUX) == Fate.OPEN;
        reasons.add(
            "control: the Linux SYN to " + p.port() + (ok ? " gets SYN-ACK" : " fails too"));
      }
      found.port(ok, reasons, linux != Fate.INJECTED);
    }
    return found.verdict(
        DPI_SYN_SIGNATURE, sight.withControl() ? Verdicts.CONFIRMED : Verdicts.SIGNATURE_ONLY);
  }

  private static Optional<Verdict> injectedRst(Sight sight) {
    PerPort found = new PerPort();
    for (TcpPorts.Port p : ports(sight.here()).ports()) {
      if (!p.any(Fate.INJECTED) || p.any(Fate.OPEN)) {
        continue;
      }
      List<String> reasons = new ArrayList<>(p.why());
      boolean ok = true;
      if (sight.withControl()) {
        TcpPorts.Port abroad = ports(sight.there()).port(p.port());
        ok = abroad != null && abroad.any(Fate.OPEN);
        reasons.add("control: port " + p.port() + (ok ? " answers SYN-ACK" : " does not open"));
      }
      found.port(ok, reasons, false);
    }
    return found.verdict(
        TCP_RST_INJECTED, sight.withControl() ? Verdicts.CONFIRMED : Verdicts.SIGNATURE_ONLY);
  }

  /** Ports silent here that open from the control vantage. */
  private static Optional<Verdict> blackhole(Sight sight) {
    if (!sight.withControl()) {
      return Optional.empty();
    }
    TcpPorts there = ports(sight.there());
    Set<Integer> silent = new TreeSet<>();
    for (TcpPorts.Port p : ports(sight.here()).ports()) {
      TcpPorts.Port abroad = there.port(p.port());
      if (p.all(Fate.SILENT, Fate.UNREACHABLE) && abroad != null && abroad.any(Fate.OPEN)) {
        silent.add(p.port());
      }
    }
    return silent.isEmpty() ? Optional.empty() : Optional.of(blackhole(sight, silent));
  }

  /**
   * The black hole's verdict for ports whose SYNs vanish here while the control vantage connects
   * (also for the HTTP probe's connects when no TCP probe ran).
   */
  public static Verdict blackhole(Sight sight, Set<Integer> silent) {
    List<String> reasons = new ArrayList<>();
    reasons.add(
        "SYNs to port "
            + String.join(", ", silent.stream().map(String::valueOf).toList())
            + " vanish here (no answer to any shape or retry); the control vantage gets SYN-ACK");
    reasons.add(
        IcmpRule.echoAnswered(sight.here().observation())
            ? "echo requests are still answered here"
            : "echo requests go unanswered here too");
    return Verdict.blocked(TCP_BLACKHOLE, Verdicts.COMPARED, reasons, true);
  }

  /** Whether TCP evidence of any port was taken here (SYNs or connects). */
  public static boolean probed(Sight.Side side) {
    return ports(side).probed();
  }

  /** The host answers TCP here but not ping, which the control vantage gets answered. */
  private static Optional<Verdict> pingOnlyFiltered(Sight sight) {
    if (!sight.withControl()
        || !ports(sight.here()).hostAnswered()
        || sight.here().observation().evidence(IcmpEvidence.class).isEmpty()
        || IcmpRule.echoAnswered(sight.here().observation())
        || !IcmpRule.echoAnswered(sight.there().observation())) {
      return Optional.empty();
    }
    return Optional.of(
        Verdict.blocked(
            IcmpRule.ICMP_ONLY_FILTERED,
            Verdicts.COMPARED,
            List.of("echo requests go unanswered here and are answered from the control"),
            true));
  }

  /**
   * Nothing answers here and something does abroad, but no check above explains it (e.g. a watch
   * probed with ICMP only): everything to it vanishes.
   */
  private static Optional<Verdict> everythingVanishes(Sight sight) {
    if (!sight.withControl() || sight.worksHere() || !sight.worksThere()) {
      return Optional.empty();
    }
    return Optional.of(
        Verdict.blocked(
            TCP_BLACKHOLE,
            Verdicts.COMPARED,
            List.of("nothing answers here; the control vantage is answered"),
            true));
  }
}
