package dev.detour.route.plan;

import java.util.Objects;

/**
 * A prefix and why it is fenced off: as input, a prefix that must never be routed (a tunnel
 * endpoint, a bogon, the LAN); in a {@link Plan}, a wanted prefix such a fence removed, with that
 * fence's reason.
 */
public record Fence(String prefix, String reason) {

  public Fence {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(reason, "reason");
  }
}
