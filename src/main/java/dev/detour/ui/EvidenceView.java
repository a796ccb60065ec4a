package dev.detour.ui;

import dev.detour.probe.ProbeResult;
import dev.detour.probe.ProbeService;
import dev.detour.probe.Probes;
import dev.detour.probe.Rendering;
import dev.detour.probe.dns.DnsAnswers;
import dev.detour.probe.dns.DnsProbe;
import dev.detour.state.AddressEvidence;
import dev.detour.state.RoundEvidence;
import dev.detour.verdict.Verdict;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A round's evidence laid out for reading, the way the seed's author read tcpdump: for each
 * address, what each probe sent and what came back here and through the control vantage, side by
 * side, with TTL, IP-ID, size, flags and timing, and the pcap files to download. Each probe lays
 * out its own evidence ({@link Probes#render}); a live round and an incident stored months ago read
 * the same, from the records their probes made.
 */
public record EvidenceView(
    String at,
    long millis,
    String control,
    String state,
    String method,
    List<String> reasons,
    List<String> dns,
    List<Address> addresses) {

  /** One address from both sides. {@code control} is null when no control vantage answered. */
  public record Address(
      String address, String part, String state, String method, Side local, Side control) {
    /** Here, then the control vantage (null when it was not asked). */
    public List<Side> sides() {
      return java.util.Arrays.asList(local, control);
    }
  }

  /** One vantage's probes of an address. */
  public record Side(String run, List<ProbeBlock> probes) {}

  /** One probe: a one-line outcome, the packets or steps as lines, its pcap files. */
  public record ProbeBlock(
      String kind,
      String status,
      long millis,
      String outcome,
      List<Rendering.Line> lines,
      List<Link> pcaps) {}

  public record Link(String name, String href) {}

  /** The view of a round, or null without one. */
  public static EvidenceView of(RoundEvidence round, Probes probes) {
    if (round == null) {
      return null;
    }
    List<String> dns = new ArrayList<>();
    dnsLines(round.localDns(), "here", dns);
    dnsLines(round.controlDns(), "control", dns);
    List<Address> addresses = new ArrayList<>();
    for (AddressEvidence a :
        round.addresses() == null ? List.<AddressEvidence>of() : round.addresses()) {
      addresses.add(
          new Address(
              a.address(),
              a.part(),
              state(a.verdict()),
              method(a.verdict()),
              side(a.local(), probes),
              a.control() != null ? side(a.control(), probes) : null));
    }
    Verdict v = round.verdict();
    return new EvidenceView(
        round.at() == null ? null : round.at().toString(),
        round.millis(),
        round.control(),
        state(v),
        method(v),
        v == null ? List.of() : v.reasons(),
        dns,
        addresses);
  }

  private static String state(Verdict v) {
    return v == null || v.state() == null ? null : v.state().label();
  }

  private static String method(Verdict v) {
    return v == null || v.method() == null ? null : v.method().label();
  }

  private static void dnsLines(DnsAnswers answers, String side, List<String> out) {
    if (answers != null) {
      answers.answers().forEach(d -> out.add(DnsProbe.line(side, d)));
    }
  }

  private static Side side(ProbeService.Run run, Probes probes) {
    if (run == null) {
      return new Side(null, List.of());
    }
    List<ProbeBlock> blocks = new ArrayList<>();
    for (ProbeResult r : run.results()) {
      blocks.add(probe(r, run.id(), probes));
    }
    return new Side(run.id(), blocks);
  }

  private static ProbeBlock probe(ProbeResult r, String run, Probes probes) {
    String status = r.status().label();
    String outcome;
    List<Rendering.Line> lines = List.of();
    Rendering shown = r.status() == ProbeResult.Status.OK ? probes.render(r) : null;
    if (shown != null) {
      outcome = shown.outcome();
      lines = shown.lines();
    } else {
      outcome = status + (r.problem() != null ? ": " + r.problem() : "");
    }
    List<Link> pcaps = new ArrayList<>();
    if (run != null && r.captures() != null) {
      for (String f : r.captures()) {
        pcaps.add(
            new Link(
                f,
                "/api/probe/captures/"
                    + URLEncoder.encode(run, StandardCharsets.UTF_8)
                    + "/"
                    + URLEncoder.encode(f, StandardCharsets.UTF_8)));
      }
    }
    return new ProbeBlock(r.probe().label(), status, r.millis(), outcome, lines, pcaps);
  }
}
