package dev.detour.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * An RFC 7807 problem document. {@code errors} lists every field or line at fault; {@code
 * errorCount} says how many there were when the list had to be cut short.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type,
    String title,
    int status,
    String detail,
    String instance,
    List<FieldError> errors,
    Long errorCount) {

  public static final String MEDIA_TYPE = "application/problem+json";
}
