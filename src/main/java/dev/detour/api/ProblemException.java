package dev.detour.api;

import java.util.List;

/**
 * A failure the caller can fix, carried up to the API as a problem+json answer. Thrown by services
 * so that resources stay thin; nothing is stored when it is thrown inside a transaction.
 */
public class ProblemException extends RuntimeException {

  private final int status;
  private final String kind;
  private final String title;
  private final List<FieldError> errors;
  private final long errorCount;

  public ProblemException(
      int status, String kind, String title, String detail, List<FieldError> errors, long count) {
    super(detail, null, false, false);
    this.status = status;
    this.kind = kind;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.errorCount = count;
  }

  public static ProblemException invalid(String title, List<FieldError> errors) {
    String detail =
        errors.size() == 1
            ? describe(errors.get(0))
            : errors.size() + " problems: " + describe(errors.get(0)) + "; …";
    return new ProblemException(400, "validation", title, detail, errors, errors.size());
  }

  public static ProblemException invalidField(String title, String field, String message) {
    return invalid(title, List.of(FieldError.field(field, message)));
  }

  public static ProblemException notFound(String what) {
    return new ProblemException(404, "not-found", "Not found", what, List.of(), 0);
  }

  public static ProblemException conflict(String field, String detail) {
    return new ProblemException(
        409, "conflict", "Conflict", detail, List.of(FieldError.field(field, detail)), 1);
  }

  private static String describe(FieldError e) {
    String where = e.field() != null ? e.field() : e.line() != null ? "line " + e.line() : null;
    return where == null ? e.message() : where + ": " + e.message();
  }

  public int status() {
    return status;
  }

  public Problem toProblem(String instance) {
    return new Problem(
        Problems.type(kind),
        title,
        status,
        getMessage(),
        instance,
        errors.isEmpty() ? null : errors,
        errors.isEmpty() ? null : errorCount);
  }
}
