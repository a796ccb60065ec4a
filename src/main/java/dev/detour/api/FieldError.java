package dev.detour.api;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One thing wrong with a request: the field (JSON path) or the line of an uploaded file, what was
 * found there, and what to fix.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String field, Integer line, String text, String message) {

  public static FieldError field(String field, String message) {
    return new FieldError(field, null, null, message);
  }

  public static FieldError line(int line, String text, String message) {
    return new FieldError(null, line, text, message);
  }
}
