package dev.detour.verdict;

import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsEvidence;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.TlsEvidence;
import dev.detour.probe.packet.SynShape;
import dev.detour.verdict.TcpPorts.Fate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The evidence rules of the design as pure functions: from what the local vantage and the control
 * vantage saw of one address in one round, to a {@link Verdict}.
 *
 * <p>With a control vantage a target is blocked only when the control succeeds at the stage where
 * the local side fails; when both fail it is down, whatever signature the local side saw. Without
 * one (or while it is offline) only a block's own signature counts — an injected reset, a block
 * page, a SYN shape or SNI that is refused where another passes — and a plain timeout is down.
 */
public final class Verdicts {

  private static final double CONFIRMED = 0.95;
  private static final double COMPARED = 0.85;
  private static final double SIGNATURE_ONLY = 0.7;

  private Verdicts() {}

  /**
   * @param local what this host saw
   * @param control what the control vantage saw of the same address, or null without one
   * @param template the host's genuine packets from earlier clean rounds
   */
  public static Verdict address(Observation local, Observation control, HostTemplate template) {
    if (!local.ran()) {
      return Verdict.unknown("no probe could run here");
    }
    boolean withControl = control != null && control.ran();
    TcpPorts here = TcpPorts.of(local, template);
    TcpPorts there = withControl ? TcpPorts.of(control, HostTemplate.NONE) : null;
    List<String> notes = new ArrayList<>();
    if (!withControl) {
      notes.add("no control vantage: only a block's own signature counts");
    }

    List<Check> checks =
        List.of(
            () -> blockPage(local, control, withControl),
            () -> dpiSyn(here, there, withControl),
            () -> injectedRst(here, there, withControl),
            () -> sni(local, control, withControl),
            () -> tampered(local, control, here, withControl),
            () -> withControl ? blackhole(local, control, here, there) : Optional.empty());
    for (Check check : checks) {
      Optional<Verdict> found = check.run();
      if (found.isEmpty()) {
        continue;
      }
      if (found.get().state() == WatchState.BLOCKED) {
        return withNotes(found.get(), notes);
      }
      // A signature the control cannot confirm: not a block; whether the target works decides.
      notes.addAll(found.get().reasons());
    }

    boolean works = works(local, here);
    if (works) {
      if (withControl
          && here.hostAnswered()
          && local.icmp().isPresent()
          && !local.echoAnswered()
          && control.echoAnswered()) {
        return withNotes(
            Verdict.blocked(
                BlockMethod.ICMP_ONLY_FILTERED,
                COMPARED,
                List.of("echo requests go unanswered here and are answered from the control"),
                true),
            notes);
      }
      return withNotes(Verdict.up(upReasons(local, here)), notes);
    }
    if (withControl && works(control, there)) {
      // Nothing answers here and something does abroad, but no stage above explains it (e.g. a
      // watch probed with ICMP only): everything to it vanishes.
      return withNotes(
          Verdict.blocked(
              BlockMethod.TCP_BLACKHOLE,
              COMPARED,
              List.of("nothing answers here; the control vantage is answered"),
              true),
          notes);
    }
    return withNotes(
        Verdict.down(
            List.of(
                withControl
                    ? "nothing answers, here or from the control vantage"
                    : "nothing answers here")),
        notes);
  }

  /** One rule of the chain. */
  @FunctionalInterface
  private interface Check {
    Optional<Verdict> run();
  }

  private static boolean works(Observation o, TcpPorts tcp) {
    return tcp.hostAnswered() || o.anyPage() || o.echoAnswered();
  }

  private static Verdict withNotes(Verdict v, List<String> notes) {
    for (String note : notes) {
      v = v.because(note);
    }
    return v;
  }

  /**
   * A block's signature found here that the control cannot confirm (it fails the same way): no
   * block — whether the target works here decides between up and down.
   */
  private static Verdict unconfirmed(Verdict v) {
    List<String> reasons = new ArrayList<>(v.reasons());
    reasons.add(
        "but the control vantage fails the same way: not a block ("
            + v.method().label()
            + " seen here)");
    return new Verdict(WatchState.DOWN, null, COMPARED, List.copyOf(reasons), false);
  }

  private static Optional<Verdict> blockPage(
      Observation local, Observation control, boolean withControl) {
    for (HttpEvidence page : local.web().map(w -> w.pages()).orElse(List.of())) {
      if (page.blockPage() == null) {
        continue;
      }
      int port = Observation.port(page);
      String reason =
          page.url()
              + " → "
              + (page.location() != null
                  ? page.status() + " Location: " + page.location()
                  : page.status() + " " + page.title())
              + " (block page "
              + page.blockPage()
              + ")";
      if (!withControl) {
        return Optional.of(
            Verdict.blocked(BlockMethod.HTTP_BLOCKPAGE, SIGNATURE_ONLY, List.of(reason), false));
      }
      Optional<HttpEvidence> there = control.page(port);
      Verdict v =
          Verdict.blocked(
              BlockMethod.HTTP_BLOCKPAGE,
              CONFIRMED,
              List.of(reason, "control: " + there.map(Verdicts::describe).orElse("not probed")),
              false);
      if (there.isPresent()
          && there.get().stage() == HttpStage.RESPONSE
          && there.get().blockPage() == null) {
        return Optional.of(v);
      }
      return Optional.of(unconfirmed(v));
    }
    return Optional.empty();
  }

  private static Optional<Verdict> dpiSyn(TcpPorts here, TcpPorts there, boolean withControl) {
    if (!here.raw()) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    boolean timeoutsOnly = true;
    boolean confirmed = true;
    for (TcpPorts.Port p : here.ports()) {
      Fate bare = p.of(SynShape.BARE);
      Fate linux = p.of(SynShape.LINUX);
      if (bare != Fate.OPEN || linux == null || linux == Fate.OPEN || linux == Fate.CLOSED) {
        continue;
      }
      reasons.add(
          "port "
              + p.port()
              + ": the bare 44-byte SYN gets SYN-ACK, the 60-byte Linux SYN gets "
              + (linux == Fate.INJECTED ? "an injected reset" : linux.name().toLowerCase()));
      reasons.addAll(p.why());
      timeoutsOnly &= linux != Fate.INJECTED;
      if (withControl) {
        TcpPorts.Port abroad = there.port(p.port());
        boolean ok = abroad != null && abroad.of(SynShape.LINUX) == Fate.OPEN;
        reasons.add(
            "control: the Linux SYN to " + p.port() + (ok ? " gets SYN-ACK" : " fails too"));
        confirmed &= ok;
      }
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    Verdict v =
        Verdict.blocked(
            BlockMethod.DPI_SYN_SIGNATURE,
            withControl ? CONFIRMED : SIGNATURE_ONLY,
            reasons,
            timeoutsOnly);
    return Optional.of(confirmed ? v : unconfirmed(v));
  }

  private static Optional<Verdict> injectedRst(TcpPorts here, TcpPorts there, boolean withControl) {
    List<String> reasons = new ArrayList<>();
    boolean confirmed = true;
    for (TcpPorts.Port p : here.ports()) {
      if (!p.any(Fate.INJECTED) || p.any(Fate.OPEN)) {
        continue;
      }
      reasons.addAll(p.why());
      if (withControl) {
        TcpPorts.Port abroad = there.port(p.port());
        boolean ok = abroad != null && abroad.any(Fate.OPEN);
        reasons.add("control: port " + p.port() + (ok ? " answers SYN-ACK" : " does not open"));
        confirmed &= ok;
      }
    }
    if (reasons.isEmpty()) {
      return Optional.empty();
    }
    Verdict v =
        Verdict.blocked(
            BlockMethod.TCP_RST_INJECTED, withControl ? CONFIRMED : SIGNATURE_ONLY, reasons, false);
    return Optional.of(confirmed ? v : unconfirmed(v));
  }

  private static Optional<Verdict> sni(
      Observation local, Observation control, boolean withControl) {
    Optional<TlsEvidence> target = local.handshake(TlsEvidence.Sni.TARGET);
    if (target.isEmpty() || !handshakeBroken(target.get())) {
      return Optional.empty();
    }
    Optional<TlsEvidence> other =
        local
            .handshake(TlsEvidence.Sni.NONE)
            .filter(h -> h.stage() == HttpStage.RESPONSE)
            .or(
                () ->
                    local
                        .handshake(TlsEvidence.Sni.DECOY)
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
    if (!withControl) {
      return Optional.of(
          Verdict.blocked(BlockMethod.TLS_SNI_BLOCKED, SIGNATURE_ONLY, reasons, timeoutsOnly));
    }
    Optional<TlsEvidence> abroad = control.handshake(TlsEvidence.Sni.TARGET);
    boolean ok = abroad.isPresent() && abroad.get().stage() == HttpStage.RESPONSE;
    reasons.add(
        "control: TLS with SNI "
            + target.get().serverName()
            + (ok ? " completes" : ": " + abroad.map(h -> h.stage().label()).orElse("not probed")));
    Verdict v = Verdict.blocked(BlockMethod.TLS_SNI_BLOCKED, CONFIRMED, reasons, timeoutsOnly);
    return Optional.of(ok ? v : unconfirmed(v));
  }

  private static boolean handshakeBroken(TlsEvidence h) {
    return h.stage() == HttpStage.TLS_RESET
        || h.stage() == HttpStage.TLS_TIMEOUT
        || h.stage() == HttpStage.TLS_FAILED;
  }

  private static Optional<Verdict> tampered(
      Observation local, Observation control, TcpPorts here, boolean withControl) {
    for (HttpEvidence page : local.web().map(w -> w.pages()).orElse(List.of())) {
      boolean reset = page.stage() == HttpStage.REQUEST_RESET;
      boolean stalled = page.stage() == HttpStage.REQUEST_TIMEOUT;
      if (!reset && !stalled) {
        continue;
      }
      int port = Observation.port(page);
      String reason =
          page.url()
              + ": handshake done in "
              + page.connectMillis()
              + " ms, then the request "
              + (reset ? "is reset" : "stalls")
              + (page.error() != null ? " (" + page.error() + ")" : "");
      if (!withControl) {
        // A reset right after the request is a censor's signature; a stall alone is not.
        if (!reset) {
          continue;
        }
        return Optional.of(
            Verdict.blocked(BlockMethod.HTTP_TAMPERED, SIGNATURE_ONLY, List.of(reason), false));
      }
      Optional<HttpEvidence> there = control.page(port);
      boolean ok =
          there.isPresent()
              && there.get().stage() == HttpStage.RESPONSE
              && there.get().blockPage() == null;
      Verdict v =
          Verdict.blocked(
              BlockMethod.HTTP_TAMPERED,
              reset ? CONFIRMED : COMPARED,
              List.of(reason, "control: " + there.map(Verdicts::describe).orElse("not probed")),
              stalled);
      return Optional.of(ok ? v : unconfirmed(v));
    }
    return Optional.empty();
  }

  /** Ports silent here that open from the control vantage. */
  private static Optional<Verdict> blackhole(
      Observation local, Observation control, TcpPorts here, TcpPorts there) {
    List<String> reasons = new ArrayList<>();
    Set<Integer> silent = new TreeSet<>();
    for (TcpPorts.Port p : here.ports()) {
      TcpPorts.Port abroad = there.port(p.port());
      if (p.all(Fate.SILENT, Fate.UNREACHABLE) && abroad != null && abroad.any(Fate.OPEN)) {
        silent.add(p.port());
      }
    }
    // Without TCP evidence, an HTTP connect that times out where the control connects.
    if (!here.probed()) {
      for (HttpEvidence page : local.web().map(w -> w.pages()).orElse(List.of())) {
        int port = Observation.port(page);
        if (page.stage() == HttpStage.CONNECT_TIMEOUT
            && control.page(port).filter(p -> p.stage() == HttpStage.RESPONSE).isPresent()) {
          silent.add(port);
        }
      }
    }
    if (silent.isEmpty()) {
      return Optional.empty();
    }
    reasons.add(
        "SYNs to port "
            + join(silent)
            + " vanish here (no answer to any shape or retry); the control vantage gets SYN-ACK");
    reasons.add(
        local.echoAnswered()
            ? "echo requests are still answered here"
            : "echo requests go unanswered here too");
    return Optional.of(Verdict.blocked(BlockMethod.TCP_BLACKHOLE, COMPARED, reasons, true));
  }

  /**
   * A name's verdict from its DNS answers: here (the system's resolvers, which a censoring ISP
   * answers) and from the control vantage. Null when there is nothing to say (no DNS probe).
   */
  public static Verdict dns(DnsAnswers local, DnsAnswers control) {
    if (local == null || local.answers().isEmpty()) {
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
    boolean controlAnswers = control != null && addresses(control.answers()).size() > 0;
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
      return Verdict.blocked(BlockMethod.DNS_TAMPERED, SIGNATURE_ONLY, reasons, false);
    }
    if (!controlAnswers) {
      // The name has no genuine address from abroad either: nothing says this is a lie.
      return null;
    }
    reasons.add("control resolves it to " + addresses(control.answers()));
    return Verdict.blocked(BlockMethod.DNS_TAMPERED, CONFIRMED, reasons, false);
  }

  /** The genuine addresses in a set of answers: not bogons, not block pages. */
  public static Set<String> addresses(Collection<DnsEvidence> answers) {
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

  /**
   * One verdict from several: the name's DNS verdict first, then the addresses' — blocked if any
   * address is (by the method order of {@link BlockMethod}), else up if any is, else down.
   */
  public static Verdict combine(Verdict dns, List<Verdict> addresses) {
    if (dns != null && dns.state() == WatchState.BLOCKED) {
      List<String> reasons = new ArrayList<>(dns.reasons());
      addresses.stream()
          .filter(v -> v.state() == WatchState.BLOCKED)
          .forEach(v -> reasons.add("and an address: " + v.method().label()));
      return new Verdict(
          WatchState.BLOCKED, dns.method(), dns.confidence(), List.copyOf(reasons), false);
    }
    Verdict best = null;
    for (Verdict v : addresses) {
      if (best == null || rank(v) < rank(best)) {
        best = v;
      }
    }
    if (best == null) {
      return Verdict.unknown("no address to probe");
    }
    return best;
  }

  private static int rank(Verdict v) {
    return switch (v.state()) {
      case BLOCKED -> v.method().ordinal();
      case UP -> 100;
      case DOWN -> 101;
      case UNKNOWN -> 102;
    };
  }

  /** The methods among several verdicts (all blocked addresses, not only the first). */
  public static Set<BlockMethod> methods(Verdict dns, List<Verdict> addresses) {
    Set<BlockMethod> all = EnumSet.noneOf(BlockMethod.class);
    if (dns != null && dns.method() != null) {
      all.add(dns.method());
    }
    addresses.stream().filter(v -> v.method() != null).forEach(v -> all.add(v.method()));
    return all;
  }

  private static List<String> upReasons(Observation local, TcpPorts here) {
    List<String> reasons = new ArrayList<>();
    for (TcpPorts.Port p : here.ports()) {
      reasons.add(
          Reasons.common(
              "port "
                  + p.port()
                  + ": "
                  + (p.any(Fate.OPEN)
                      ? "open"
                      : p.any(Fate.CLOSED) ? "closed by the host" : "silent")));
    }
    local
        .icmp()
        .ifPresent(
            i ->
                reasons.add(
                    "echo: "
                        + i.replies().size()
                        + "/"
                        + i.sent()
                        + " answered, "
                        + i.hops()
                        + " hops"));
    local.web().ifPresent(w -> w.pages().forEach(p -> reasons.add(describe(p))));
    return reasons;
  }

  static String describe(HttpEvidence page) {
    if (page.stage() == HttpStage.RESPONSE) {
      return page.url()
          + " → "
          + page.status()
          + (page.location() != null ? " Location: " + page.location() : "")
          + (page.blockPage() != null ? " (block page " + page.blockPage() + ")" : "");
    }
    return page.url() + " → " + page.stage().label();
  }

  private static String join(Set<Integer> ports) {
    return String.join(", ", ports.stream().map(String::valueOf).toList());
  }
}
