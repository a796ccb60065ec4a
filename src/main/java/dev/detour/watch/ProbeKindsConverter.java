package dev.detour.watch;

import dev.detour.probe.ProbeKind;
import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Stores a set of probes as {@code icmp,tcp_syn}; null stays null (inherit the default). */
@Converter
public class ProbeKindsConverter implements AttributeConverter<Set<ProbeKind>, String> {

  @Override
  public String convertToDatabaseColumn(Set<ProbeKind> probes) {
    if (probes == null) {
      return null;
    }
    return probes.stream().sorted().map(ProbeKind::label).collect(Collectors.joining(","));
  }

  @Override
  public Set<ProbeKind> convertToEntityAttribute(String column) {
    if (column == null) {
      return null;
    }
    Set<ProbeKind> probes = new TreeSet<>();
    if (!column.isEmpty()) {
      Arrays.stream(column.split(",")).map(ProbeKind::of).forEach(probes::add);
    }
    return probes;
  }
}
