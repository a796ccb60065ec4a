package dev.detour.probe;

import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The one contract of every probe kind: a probe probes and returns its evidence; it does not decide
 * whether that means blocked (its package's verdict rule does, dev.detour.verdict.VerdictRule). A
 * kind of probe is one package: this bean, its evidence record, its rule, and how its evidence
 * reads ({@link #render}); nothing outside the package names it.
 *
 * @param <E> the evidence it returns
 */
public interface Probe<E extends Evidence> {

  ProbeKind kind();

  /** The type of {@link #run}'s evidence, for reading it back from JSON (a control agent's). */
  Class<E> evidenceType();

  /** Whether the probe crafts packets itself, and so needs CAP_NET_RAW and libpcap. */
  boolean raw();

  /** What a round runs it on. */
  default Scope scope() {
    return Scope.ADDRESS;
  }

  /**
   * Where its results come in a run and on the pages, lowest first (the cheapest and oldest
   * evidence, ping, first).
   */
  int order();

  /**
   * Whether a control agent runs it for another Detour: only probes that answer "does it work from
   * here" — no traces, no scans.
   */
  default boolean agentMayRun() {
    return false;
  }

  /**
   * Whether it runs only on watches with a name (a host's page), never on an address or a prefix's
   * samples.
   */
  default boolean needsName() {
    return false;
  }

  /**
   * In how many of a watch's rounds it runs: 1 for every round; more for a costly probe, which then
   * also runs on every recheck and every round while the watch is suspect of what it tells.
   */
  default int everyRounds() {
    return 1;
  }

  /** A probe that tells roughly the same where this one cannot run (no raw packets), if any. */
  default Optional<ProbeKind> fallback() {
    return Optional.empty();
  }

  /** Why it cannot run on this request (besides raw packets), or null when it can. */
  default String unavailable(ProbeRequest request) {
    return null;
  }

  E run(ProbeRequest request) throws IOException;

  /**
   * Runs the probe without the caller waiting: by default {@link #run} on a probe thread; a probe
   * that waits on timers rather than threads (the SYN probe) overrides it.
   */
  default CompletableFuture<? extends E> start(ProbeRequest request) {
    return ProbeThreads.supply(() -> run(request));
  }

  /** Its evidence laid out for reading. */
  Rendering render(E evidence);
}
