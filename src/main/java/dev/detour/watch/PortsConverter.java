package dev.detour.watch;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** Stores a watch's ports as {@code 80,443}: a small closed list, read with the row. */
@Converter
public class PortsConverter implements AttributeConverter<List<Integer>, String> {

  @Override
  public String convertToDatabaseColumn(List<Integer> ports) {
    return ports == null
        ? ""
        : ports.stream().map(String::valueOf).collect(Collectors.joining(","));
  }

  @Override
  public List<Integer> convertToEntityAttribute(String column) {
    if (column == null || column.isEmpty()) {
      return List.of();
    }
    return Arrays.stream(column.split(",")).map(Integer::valueOf).toList();
  }
}
