package dev.detour.watch;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.detour.api.FieldError;
import java.util.List;

/**
 * What an import did (or, with {@code dryRun}, would do): how many lines it read, which entries it
 * created, which it found already watched, what it refused and why.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ImportReport(
    String format,
    String mode,
    boolean dryRun,
    int lines,
    int entries,
    int created,
    int existing,
    int duplicates,
    int removed,
    long invalidCount,
    List<FieldError> invalid,
    long warningCount,
    List<FieldError> warnings,
    List<String> groupsCreated,
    long elapsedMillis) {}
