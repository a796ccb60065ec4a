package dev.detour.targets;

/**
 * A normalised watch target: a lower-case ASCII (punycode) host name, a canonical address, or a
 * prefix with its host bits cleared. Two targets are the same watch when their values are equal.
 */
public record Target(TargetKind kind, String value) {

  @Override
  public String toString() {
    return value;
  }
}
