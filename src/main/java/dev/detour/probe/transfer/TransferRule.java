package dev.detour.probe.transfer;

import dev.detour.probe.ProbeKind;
import dev.detour.probe.http.HttpEvidence;
import dev.detour.probe.http.HttpStage;
import dev.detour.probe.http.WebEvidence;
import dev.detour.verdict.BlockMethod;
import dev.detour.verdict.Observation;
import dev.detour.verdict.Sight;
import dev.detour.verdict.Thresholds;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictRule;
import dev.detour.verdict.Verdicts;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a page's flow says (the transfer probe's, and the HTTP probe's pages): frozen after the
 * first kilobytes here while it comes whole through the control vantage, or crawling here at a
 * fraction of the control's speed. A page that freezes or crawls from both vantages alike is a slow
 * or broken site, never a block.
 */
public final class TransferRule implements VerdictRule {

  /** The transfer freezes after the first 16–20 KB here and completes through the control. */
  public static final BlockMethod TRANSFER_STALLED =
      BlockMethod.spec("transfer_stalled", 62, "transfer frozen")
          .restsOn("transfer", "http")
          .define();

  /** The transfer crawls here at a small fraction of the control's goodput. */
  public static final BlockMethod THROTTLED =
      BlockMethod.spec("throttled", 64, "throttling").restsOn("transfer").define();

  /** A freeze stops between these many bytes: a censor's window, not a short page. */
  static final long FREEZE_FROM = 1024;

  static final long FREEZE_TO = 64 * 1024;

  /** A crawl is timed once this much came, or this long: a small page tells no speed. */
  static final long MEASURED_BYTES = 32 * 1024;

  static final long MEASURED_MILLIS = 2000;

  /**
   * A throttled transfer is slower than the set rate in every window this long, too: a policer's
   * bucket lets a few kilobytes at most go faster, while a lossy path's bursts between its stalls
   * run at the line's speed.
   */
  static final int PEAK_WINDOW_MILLIS = 200;

  /**
   * An HTTP page that came here slower than this share of the control's speed, and slower than this
   * rate, makes the transfer run next round: the HTTP probe reads too little to judge a crawl by,
   * enough to suspect one.
   */
  static final double SUSPECT_SHARE = 0.5;

  static final long SUSPECT_RATE = 4_000_000;

  @Override
  public ProbeKind kind() {
    return TransferProbe.KIND;
  }

  @Override
  public List<BlockMethod> methods() {
    return List.of(TRANSFER_STALLED, THROTTLED);
  }

  @Override
  public int order() {
    return 35;
  }

  @Override
  public List<Check> checks() {
    return List.of(new Check(52, TransferRule::frozen), new Check(54, TransferRule::throttled));
  }

  static Optional<TransferEvidence> transfer(Observation o) {
    return o.evidence(TransferEvidence.class);
  }

  @Override
  public boolean answers(Sight.Side side) {
    return transfer(side.observation()).map(t -> t.bytes() > 0).orElse(false);
  }

  @Override
  public void upReasons(Sight.Side side, List<String> out) {
    transfer(side.observation())
        .filter(TransferEvidence::flowed)
        .ifPresent(
            t ->
                out.add(
                    String.format(
                        Locale.ROOT,
                        "transfer: %,d bytes in %s (%s)",
                        t.bytes(),
                        TransferProbe.seconds(t.millis()),
                        TransferProbe.rate(t.goodputBitsPerSecond()))));
  }

  /**
   * A page the HTTP probe got here frozen, cut short by its deadline while still coming, or coming
   * at half the control's speed or less, where the control got it well: worth a transfer next
   * round.
   */
  @Override
  public boolean suspects(Observation here, Observation there) {
    if (there == null) {
      return false;
    }
    List<HttpEvidence> theirs = pages(there);
    for (HttpEvidence page : pages(here)) {
      for (HttpEvidence other : theirs) {
        if (!other.url().equals(page.url())
            || other.stage() != HttpStage.RESPONSE
            || other.slow()) {
          continue;
        }
        long slow = page.bitsPerSecond();
        long fast = other.bitsPerSecond();
        if (page.stage() == HttpStage.BODY_STALLED
            || page.slow()
            || (slow >= 0 && fast > 0 && slow < fast * SUSPECT_SHARE && slow < SUSPECT_RATE)) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * What stopped here: bytes before the freeze, the URL, and whether a transfer (else an HTTP page)
   * saw it.
   */
  private record Stop(long after, String url, boolean byTransfer) {}

  private static Optional<Stop> stop(Observation here) {
    Optional<Stop> byTransfer =
        transfer(here)
            .filter(t -> t.end() == TransferEvidence.End.STALLED)
            .map(t -> new Stop(t.stoppedAfter(), t.url(), true));
    if (byTransfer.isPresent()) {
      return byTransfer;
    }
    for (HttpEvidence page : pages(here)) {
      if (page.stage() == HttpStage.BODY_STALLED && page.received() != null) {
        return Optional.of(new Stop(page.received(), page.url(), false));
      }
    }
    return Optional.empty();
  }

  /**
   * How much came through the control, and how fast, by the same kind of fetch as the stop here (a
   * transfer, else the same page): whole, or at least past the freeze.
   */
  private static Optional<String> cameWhole(Observation there, Stop stop) {
    Optional<TransferEvidence> t = transfer(there);
    if (stop.byTransfer() && t.isPresent()) {
      return t.filter(c -> c.flowed() && c.bytes() > stop.after())
          .map(
              c ->
                  String.format(
                      Locale.ROOT,
                      "the control fetched %,d in %s",
                      c.bytes(),
                      TransferProbe.seconds(c.millis())));
    }
    for (HttpEvidence page : pages(there)) {
      if ((stop.byTransfer() || page.url().equals(stop.url()))
          && page.stage() == HttpStage.RESPONSE
          && page.received() != null
          && page.received() > stop.after()) {
        return Optional.of(
            String.format(Locale.ROOT, "the control got all %,d of it", page.received()));
      }
    }
    return Optional.empty();
  }

  private static List<HttpEvidence> pages(Observation o) {
    return o.evidence(WebEvidence.class).map(WebEvidence::pages).orElse(List.of());
  }

  /** Frozen here after the first kilobytes; the control gets it whole. */
  private static Optional<Verdict> frozen(Sight sight) {
    Optional<Stop> stop = stop(sight.here().observation());
    if (stop.isEmpty() || stop.get().after() < FREEZE_FROM || stop.get().after() > FREEZE_TO) {
      return Optional.empty();
    }
    if (!sight.withControl()) {
      // A freeze with nothing to compare with is a slow site as well as a censor: not a block.
      return Optional.empty();
    }
    String reason =
        String.format(
            Locale.ROOT, "%s froze after %,d bytes", stop.get().url(), stop.get().after());
    Optional<String> there = cameWhole(sight.there().observation(), stop.get());
    List<String> reasons = new ArrayList<>();
    reasons.add(reason + there.map(t -> "; " + t).orElse(""));
    Verdict v = Verdict.blocked(TRANSFER_STALLED, Verdicts.COMPARED, reasons, true);
    return Optional.of(there.isPresent() ? v : Verdicts.unconfirmed(v));
  }

  /** Crawling here at a fraction of the control's goodput, and slower than the set rate. */
  private static Optional<Verdict> throttled(Sight sight) {
    if (!sight.withControl()) {
      return Optional.empty();
    }
    Optional<TransferEvidence> here = transfer(sight.here().observation());
    Optional<TransferEvidence> there = transfer(sight.there().observation());
    if (here.isEmpty()
        || there.isEmpty()
        || !here.get().flowed()
        || !there.get().flowed()
        || (here.get().bytes() < MEASURED_BYTES && here.get().millis() < MEASURED_MILLIS)) {
      return Optional.empty();
    }
    long slow = here.get().goodputBitsPerSecond();
    long fast = there.get().goodputBitsPerSecond();
    Thresholds limits = sight.thresholds();
    if (slow < 0 || fast <= 0 || slow >= limits.throttleMaxRate()) {
      return Optional.empty();
    }
    double share = (double) slow / fast;
    if (share >= limits.throttleRatio()) {
      return Optional.empty();
    }
    // A policer holds every moment down; a lossy path stalls, then bursts at full speed.
    long peak = here.get().peakBitsPerSecond(PEAK_WINDOW_MILLIS);
    if (peak >= limits.throttleMaxRate()) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    reasons.add(
        String.format(
            Locale.ROOT,
            "throttled to %s, %.1f %% of the tunnel's speed",
            TransferProbe.rate(slow),
            share * 100));
    reasons.add(
        String.format(
            Locale.ROOT,
            "%,d bytes in %s here%s; %,d in %s through the control (%s)",
            here.get().bytes(),
            TransferProbe.seconds(here.get().millis()),
            peak >= 0 ? ", never above " + TransferProbe.rate(peak) + " in any 0.2 s" : "",
            there.get().bytes(),
            TransferProbe.seconds(there.get().millis()),
            TransferProbe.rate(fast)));
    return Optional.of(Verdict.blocked(THROTTLED, Verdicts.COMPARED, reasons, true));
  }
}
