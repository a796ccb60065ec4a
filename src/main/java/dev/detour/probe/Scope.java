package dev.detour.probe;

/** What a probe is run on in a round. */
public enum Scope {
  /** Every address of a watch, from both vantages (ICMP, TCP, HTTP, TLS). */
  ADDRESS,
  /** A watch's name, once a round (DNS). */
  NAME,
  /** Never in a round: only when asked for, on demand or to locate a censor (the trace). */
  ON_DEMAND
}
