package dev.detour.probe;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;

/**
 * The one contract of every probe kind: a probe probes and returns its evidence; it does not decide
 * whether that means blocked. Each kind is one package and one bean implementing this.
 */
public interface Probe {

  ProbeKind kind();

  /** Whether the probe crafts packets itself, and so needs CAP_NET_RAW and libpcap. */
  boolean raw();

  Evidence run(ProbeRequest request) throws IOException;

  /**
   * Runs the probe without the caller waiting: by default {@link #run} on a probe thread; a probe
   * that waits on timers rather than threads (the SYN probe) overrides it.
   */
  default CompletableFuture<? extends Evidence> start(ProbeRequest request) {
    return ProbeThreads.supply(() -> run(request));
  }

  /** The type of {@link #run}'s evidence, for reading it back from JSON (a control agent's). */
  Class<? extends Evidence> evidenceType();
}
