package dev.detour.watch;

import jakarta.persistence.AttributeConverter;
import jakarta.persistence.Converter;
import java.util.Arrays;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Stores tags as {@code ,a,b,}: the enclosing commas let a tag filter be one portable {@code LIKE
 * '%,tag,%'} on both H2 and PostgreSQL; tags are validated to never contain a comma.
 */
@Converter
public class TagsConverter implements AttributeConverter<SortedSet<String>, String> {

  @Override
  public String convertToDatabaseColumn(SortedSet<String> tags) {
    return tags == null || tags.isEmpty() ? "" : "," + String.join(",", tags) + ",";
  }

  @Override
  public SortedSet<String> convertToEntityAttribute(String column) {
    SortedSet<String> tags = new TreeSet<>();
    if (column != null && column.length() > 2) {
      tags.addAll(Arrays.asList(column.substring(1, column.length() - 1).split(",")));
    }
    return tags;
  }

  /** The LIKE pattern that finds {@code tag} in the stored column. */
  public static String likePattern(String tag) {
    return "%," + tag + ",%";
  }
}
