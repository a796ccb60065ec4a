package dev.detour.probe;

import java.io.IOException;

/**
 * The one contract of every probe kind: a probe probes and returns its evidence; it does not decide
 * whether that means blocked. Each kind is one package and one bean implementing this.
 */
public interface Probe {

  ProbeKind kind();

  /** Whether the probe crafts packets itself, and so needs CAP_NET_RAW and libpcap. */
  boolean raw();

  Evidence run(ProbeRequest request) throws IOException;

  /** The type of {@link #run}'s evidence, for reading it back from JSON (a control agent's). */
  Class<? extends Evidence> evidenceType();
}
