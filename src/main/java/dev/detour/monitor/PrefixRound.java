package dev.detour.monitor;

import dev.detour.probe.ProbeKind;
import dev.detour.state.AddressEvidence;
import dev.detour.verdict.HostVerdicts;
import dev.detour.verdict.Tracker;
import dev.detour.verdict.Verdict;
import dev.detour.verdict.VerdictConfig;
import dev.detour.verdict.WatchState;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * One round of a prefix watch: addresses sampled in its /24s (an address that answered before, if
 * any), each probed from both vantages, and each /24 put through its own hysteresis. The evidence
 * of blocked samples is kept first, and a few others; the rest's pcap files go.
 */
@ApplicationScoped
public class PrefixRound {

  /** Prefix samples kept as evidence per round: the blocked ones first. */
  private static final int KEPT_SAMPLES = 16;

  /**
   * Addresses of a prefix probed at once by one watch's round: all of a round's samples (up to the
   * default {@code prefix.max-blocks}), so a black-holed /16 costs one timeout, not eight. The
   * packet budget paces their packets.
   */
  private static final int PARALLEL = 256;

  private final AddressProber prober;
  private final MonitorConfig monitor;
  private final VerdictConfig verdict;
  private final Captures captures;

  public PrefixRound(
      AddressProber prober, MonitorConfig monitor, VerdictConfig verdict, Captures captures) {
    this.prober = prober;
    this.monitor = monitor;
    this.verdict = verdict;
    this.captures = captures;
  }

  /** Probes the round's samples (on the calling thread) and steps each block's tracker. */
  List<AddressEvidence> run(
      WatchSnapshot w, WatchRuntime rt, Set<ProbeKind> kinds, boolean withControl, Instant at) {
    List<PrefixSampler.Sample> samples =
        PrefixSampler.sample(
            w.target(),
            rt.round++,
            monitor.prefixSamplesPer24(),
            monitor.prefixMaxBlocks(),
            rt.responsive());
    List<AddressEvidence> all = new ArrayList<>();
    for (int from = 0; from < samples.size(); from += PARALLEL) {
      List<CompletableFuture<AddressEvidence>> parts = new ArrayList<>();
      for (PrefixSampler.Sample s :
          samples.subList(from, Math.min(samples.size(), from + PARALLEL))) {
        Tracker block = rt.blocks().get(s.block());
        boolean keep = block != null && block.state() != WatchState.UP;
        parts.add(prober.probe(w, rt, s.address(), s.block(), null, kinds, withControl, keep));
      }
      parts.forEach(part -> all.add(part.join()));
    }
    Map<String, List<AddressEvidence>> byBlock = new LinkedHashMap<>();
    for (AddressEvidence e : all) {
      byBlock.computeIfAbsent(e.part(), b -> new ArrayList<>()).add(e);
    }
    Map<String, String> lastAddress = new HashMap<>();
    byBlock.forEach(
        (block, evidence) -> {
          Verdict v =
              HostVerdicts.combine(null, evidence.stream().map(AddressEvidence::verdict).toList());
          Tracker t = rt.blocks().getOrDefault(block, Tracker.unknown(at));
          rt.blocks()
              .put(block, t.step(v, at, verdict.blockAfter(), verdict.clearAfter()).tracker());
          for (AddressEvidence e : evidence) {
            lastAddress.put(block, e.address());
            WatchState s = e.verdict().state();
            if (s == WatchState.UP || s == WatchState.BLOCKED) {
              rt.responsive().put(block, e.address());
            } else if (e.address().equals(rt.responsive().get(block))) {
              rt.responsive().remove(block);
            }
          }
        });
    rt.parts = rt.blockParts(lastAddress);
    List<AddressEvidence> sorted =
        all.stream()
            .sorted(Comparator.comparing(e -> e.verdict().state() != WatchState.BLOCKED))
            .toList();
    sorted.stream().skip(KEPT_SAMPLES).forEach(captures::delete);
    return sorted.stream().limit(KEPT_SAMPLES).toList();
  }
}
