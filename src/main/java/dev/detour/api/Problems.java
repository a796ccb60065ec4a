package dev.detour.api;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Maps every failure the API can meet to an RFC 7807 problem+json answer. */
public class Problems {

  private static final Logger LOG = Logger.getLogger(Problems.class);

  /** H2's "the database has been closed" and "is already closed". */
  private static final java.util.Set<String> H2_CLOSED = java.util.Set.of("90098", "90121");

  /** The problem type URI for a kind of problem; the kinds are listed in docs/api.md. */
  public static String type(String kind) {
    return "urn:detour:problem:" + kind;
  }

  public static Response response(Problem problem) {
    return Response.status(problem.status()).type(Problem.MEDIA_TYPE).entity(problem).build();
  }

  @ServerExceptionMapper
  public Response problem(ProblemException e, UriInfo uri) {
    return response(e.toProblem(uri.getPath()));
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e, UriInfo uri) {
    // Quarkus wraps body-reading failures; the JSON error inside says which field is wrong.
    if (e.getCause() instanceof JsonProcessingException json) {
      return json(json, uri);
    }
    int status = e.getResponse().getStatus();
    String title =
        Response.Status.fromStatusCode(status) == null
            ? "HTTP " + status
            : Response.Status.fromStatusCode(status).getReasonPhrase();
    String detail =
        switch (status) {
          case 404 -> "nothing at " + uri.getPath() + "; the API is listed at /q/openapi";
          case 405 -> "this method is not allowed on " + uri.getPath();
          case 415 -> "unsupported Content-Type; JSON endpoints take application/json";
          case 406 -> "cannot answer in the media type the Accept header asks for";
          default -> Objects.requireNonNullElse(e.getMessage(), title);
        };
    return response(
        new Problem(type("http-" + status), title, status, detail, uri.getPath(), null, null));
  }

  /** More specific than Quarkus' own mapper for this type, which answers with an empty body. */
  @ServerExceptionMapper(priority = 1)
  public Response mismatched(MismatchedInputException e, UriInfo uri) {
    return json(e, uri);
  }

  @ServerExceptionMapper(priority = 1)
  public Response json(JsonProcessingException e, UriInfo uri) {
    FieldError error = describe(e);
    return response(
        new Problem(
            type("malformed-json"),
            "Malformed request body",
            400,
            (error.field() == null ? "" : error.field() + ": ") + error.message(),
            uri.getPath(),
            List.of(error),
            1L));
  }

  @ServerExceptionMapper
  public Response unexpected(Exception e, UriInfo uri) {
    if (e instanceof WebApplicationException w) {
      return web(w, uri);
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.hibernate.exception.ConstraintViolationException
          || cause instanceof jakarta.persistence.OptimisticLockException
          || cause instanceof org.hibernate.StaleStateException) {
        return response(
            new Problem(
                type("conflict"),
                "Conflict",
                409,
                "a concurrent change got there first; reload and try again",
                uri.getPath(),
                null,
                null));
      }
    }
    Response storage = storageProblem(e, uri);
    if ((storage == null || storage.getStatus() == 503) && embeddedDiskFull()) {
      // The embedded database closes itself on a write it could not make — this request's, or a
      // background job's just before — and what reaches here may be only that it is closed: the
      // data directory's free space says why.
      storage = storageProblem(new java.io.IOException("No space left on device"), uri);
    }
    if (storage == null && databaseUnreachable()) {
      // However the failure was wrapped (a transaction manager's rollback, a closed session), the
      // database being out of reach right now is what the client needs to know.
      storage =
          storageProblem(
              new java.sql.SQLTransientConnectionException(rootMessage(e), "08000"), uri);
    }
    if (storage != null) {
      return storage;
    }
    LOG.errorf(e, "Unexpected failure on %s", uri.getPath());
    return response(
        new Problem(
            type("internal"),
            "Internal error",
            500,
            "Detour failed unexpectedly; the service log has the details",
            uri.getPath(),
            null,
            null));
  }

  /**
   * The database out of reach (a PostgreSQL restart, a network cut, too many connections) is a 503
   * the client may retry; its disk full is a 507. Either way the service itself is fine, and the
   * log gets a line, not a stack trace per request.
   */
  static Response storageProblem(Throwable e, UriInfo uri) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String message = Objects.requireNonNullElse(cause.getMessage(), "");
      if (message.contains("No space left on device") || sqlState(cause).equals("53100")) {
        LOG.warnf("Database disk full on %s: %s", uri.getPath(), firstLine(message));
        renewConnections();
        return response(
            new Problem(
                type("storage-full"),
                "Database disk full",
                507,
                "the database cannot write, its disk has no space left; free space where Detour"
                    + " keeps its data (detour.data-dir, or the PostgreSQL server's disk) and try"
                    + " again — this change was not stored",
                uri.getPath(),
                null,
                null));
      }
    }
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      String state = sqlState(cause);
      if (cause instanceof org.hibernate.exception.JDBCConnectionException
          || cause instanceof java.sql.SQLTransientConnectionException
          || cause instanceof java.sql.SQLNonTransientConnectionException
          || cause instanceof java.sql.SQLRecoverableException
          || state.startsWith("08")
          || state.startsWith("57P")
          || state.equals("53300")
          || H2_CLOSED.contains(state)
          || String.valueOf(cause.getMessage()).contains("acquisition timeout")) {
        String why = firstLine(Objects.requireNonNullElse(cause.getMessage(), state));
        LOG.warnf("Database unavailable on %s: %s", uri.getPath(), why);
        if (H2_CLOSED.contains(state)) {
          renewConnections();
        }
        return Response.fromResponse(
                response(
                    new Problem(
                        type("database-unavailable"),
                        "Database unavailable",
                        503,
                        "the database cannot be reached ("
                            + why
                            + "); Detour reconnects by itself, try again in a few seconds, and"
                            + " read back a change that got this answer before repeating it",
                        uri.getPath(),
                        null,
                        null)))
            .header("Retry-After", "5")
            .build();
      }
    }
    return null;
  }

  /**
   * The embedded database closes itself after a write it could not make (a full disk): the pool's
   * connections to it are dead from then on, while a new one opens the file again. They are
   * replaced, so Detour works again once there is room, without a restart.
   */
  static void renewConnections() {
    try {
      var pool = io.quarkus.arc.Arc.container().instance(io.agroal.api.AgroalDataSource.class);
      if (pool.isAvailable()) {
        // Idle connections now, those in use when they come back: a request that opened the file
        // again a moment ago keeps its fresh connection.
        pool.get().flush(io.agroal.api.AgroalDataSource.FlushMode.GRACEFUL);
      }
    } catch (RuntimeException e) {
      LOG.debugf(e, "the connection pool could not be renewed");
    }
  }

  /**
   * Whether {@code e} is the embedded database closed by a write that could not be made — found
   * closed, or closing as this request's commit wrote what another thread had changed (H2 writes
   * every transaction's changes together) — rather than anything about the request itself.
   */
  static boolean embeddedDatabaseClosed(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (H2_CLOSED.contains(sqlState(cause))
          || cause.getClass().getName().equals("org.h2.mvstore.MVStoreException")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the embedded database's directory has (next to) no room left, on the error path. */
  static boolean embeddedDiskFull() {
    try {
      var config = org.eclipse.microprofile.config.ConfigProvider.getConfig();
      String url = config.getOptionalValue("quarkus.datasource.jdbc.url", String.class).orElse("");
      if (!url.startsWith("jdbc:h2:")) {
        return false;
      }
      java.nio.file.Path dir =
          java.nio.file.Path.of(
              config.getOptionalValue("detour.data-dir", String.class).orElse("."));
      return java.nio.file.Files.getFileStore(dir).getUsableSpace() < 1024 * 1024;
    } catch (java.io.IOException | RuntimeException e) {
      return false;
    }
  }

  /** Whether a connection to the database can be had and answers, on the error path only. */
  private static boolean databaseUnreachable() {
    try {
      var pool = io.quarkus.arc.Arc.container().instance(io.agroal.api.AgroalDataSource.class);
      if (!pool.isAvailable()) {
        return false;
      }
      try (java.sql.Connection c = pool.get().getConnection()) {
        return !c.isValid(2);
      }
    } catch (java.sql.SQLException | RuntimeException e) {
      return true;
    }
  }

  /** The innermost message of a failure: what went wrong, not how it was wrapped. */
  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return Objects.requireNonNullElse(root.getMessage(), root.getClass().getSimpleName());
  }

  private static String sqlState(Throwable t) {
    return t instanceof java.sql.SQLException sql && sql.getSQLState() != null
        ? sql.getSQLState()
        : "";
  }

  private static String firstLine(String text) {
    int end = text.indexOf('\n');
    String line = end < 0 ? text : text.substring(0, end);
    return line.length() > 200 ? line.substring(0, 200) + "…" : line;
  }

  static FieldError describe(JsonProcessingException e) {
    String field = null;
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      field = path(m.getPath());
    }
    String message;
    if (e instanceof UnrecognizedPropertyException u) {
      message =
          "unknown field '"
              + u.getPropertyName()
              + "'; known fields: "
              + u.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", "));
    } else if (e instanceof InvalidFormatException f) {
      message = "cannot read " + quote(f.getValue()) + " as " + friendly(f.getTargetType());
    } else if (e instanceof ValueInstantiationException v && v.getCause() != null) {
      message = v.getCause().getMessage();
    } else if (e instanceof MismatchedInputException mi) {
      message =
          mi.getTargetType() == null
              ? "the body does not have the expected shape"
              : "expected " + friendly(mi.getTargetType()) + " here";
    } else {
      JsonLocation at = e.getLocation();
      message =
          "not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage();
    }
    return FieldError.field(field, message);
  }

  private static String path(List<JsonMappingException.Reference> refs) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      } else if (ref.getFieldName() != null) {
        if (!path.isEmpty()) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      }
    }
    return path.isEmpty() ? null : path.toString();
  }

  private static String quote(Object value) {
    return value instanceof String ? "'" + value + "'" : String.valueOf(value);
  }

  private static String friendly(Class<?> type) {
    if (type == null) {
      return "a value";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "a whole number";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (List.class.isAssignableFrom(type) || java.util.Set.class.isAssignableFrom(type)) {
      return "a JSON array";
    }
    if (type.isRecord()) {
      return "a JSON object";
    }
    return type.getSimpleName();
  }
}
