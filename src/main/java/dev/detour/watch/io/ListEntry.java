package dev.detour.watch.io;

import dev.detour.probe.ProbeKind;
import java.util.List;
import java.util.Set;

/**
 * One entry read from an imported list, before validation. Only {@code line} and {@code target} are
 * always set; the rest are null where the format does not carry them (a plain list names no group,
 * the registry dump no ports).
 */
public record ListEntry(
    int line,
    String target,
    String group,
    String note,
    List<Integer> ports,
    Set<ProbeKind> probes,
    Set<String> tags,
    Boolean enabled) {

  /** This entry at another line of its list. */
  public ListEntry at(int line) {
    return new ListEntry(line, target, group, note, ports, probes, tags, enabled);
  }

  public static ListEntry of(int line, String target, String group, String note) {
    return new ListEntry(line, target, group, note, null, null, null, null);
  }
}
