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

  /**
   * One address from both sides. {@code control} is null when no control vantage answered; {@code
   * charts} draw what a probe watched over time (a transfer's bytes) here and there on one scale.
   */
  public record Address(
      String address,
      String part,
      String state,
      String method,
      Side local,
      Side control,
      List<Charts.Flow> charts) {
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
      List<Link> pcaps,
      List<Rendering.Point> curve) {}

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
      Side here = side(a.local(), probes);
      Side there = a.control() != null ? side(a.control(), probes) : null;
      addresses.add(
          new Address(
              a.address(),
              a.part(),
              state(a.verdict()),
              method(a.verdict()),
              here,
              there,
              charts(here, there)));
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

  static ProbeBlock probe(ProbeResult r, String run, Probes probes) {
    String status = r.status().label();
    String outcome;
    List<Rendering.Line> lines = List.of();
    List<Rendering.Point> curve = List.of();
    Rendering shown = r.status() == ProbeResult.Status.OK ? probes.render(r) : null;
    if (shown != null) {
      outcome = shown.outcome();
      lines = shown.lines();
      curve = shown.curve();
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
    return new ProbeBlock(r.probe().label(), status, r.millis(), outcome, lines, pcaps, curve);
  }

  /** A chart for every probe that drew a curve on either side, both sides on one scale. */
  static List<Charts.Flow> charts(Side here, Side there) {
    List<Charts.Flow> charts = new ArrayList<>();
    for (ProbeBlock mine : here.probes()) {
      List<Rendering.Point> theirs =
          there == null
              ? List.of()
              : there.probes().stream()
                  .filter(p -> p.kind().equals(mine.kind()))
                  .findFirst()
                  .map(ProbeBlock::curve)
                  .orElse(List.of());
      if (!mine.curve().isEmpty() || !theirs.isEmpty()) {
        charts.add(Charts.flow(mine.kind(), mine.curve(), theirs));
      }
    }
    return charts;
  }
}
