package dev.detour.auth;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.system.Secrets;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API tokens an admin creates for scripts and revokes. The token ({@code dtr_} and 43 characters)
 * is shown once at creation; Detour keeps its SHA-256 and its first characters as a hint.
 */
@ApplicationScoped
public class ApiTokens {

  public static final String PREFIX = "dtr_";
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 ._:@-]{0,62}");
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);
  private final Touches touches = new Touches(TOUCH_EVERY);

  /** A token as listed: never the secret. */
  public record View(
      long id,
      String name,
      String hint,
      String role,
      String createdBy,
      Instant createdAt,
      Instant lastUsedAt) {
    static View of(ApiToken t) {
      return new View(t.id, t.name, t.hint, t.role, t.createdBy, t.createdAt, t.lastUsedAt);
    }
  }

  /** A new token: its view and, this once, the secret. */
  public record Created(View token, String secret) {}

  /** What {@code POST /api/tokens} takes. */
  public record Input(String name, String role) {}

  /** Who a valid token speaks for. */
  public record Holder(String name, Role role) {}

  @Transactional
  public List<View> list() {
    return ApiToken.<ApiToken>list("order by id").stream().map(View::of).toList();
  }

  @Transactional
  public Created create(Input input, String by) {
    List<FieldError> errors = new ArrayList<>();
    String name = input == null || input.name() == null ? "" : input.name().trim();
    if (!NAME.matcher(name).matches()) {
      errors.add(FieldError.field("name", "1–63 characters: letters, digits, space . _ : @ -"));
    }
    Role role = Role.parse(input == null ? null : input.role());
    if (role == null) {
      errors.add(FieldError.field("role", "admin or viewer"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid token", errors);
    }
    if (ApiToken.count("name", name) > 0) {
      throw ProblemException.conflict("name", "A token named " + name + " exists");
    }
    String secret = PREFIX + Secrets.random(32);
    ApiToken t = new ApiToken();
    t.name = name;
    t.tokenHash = Secrets.sha256(secret);
    t.hint = secret.substring(0, 10);
    t.role = role.id();
    t.createdBy = by;
    t.createdAt = Instant.now();
    t.persist();
    return new Created(View.of(t), secret);
  }

  @Transactional
  public void revoke(long id) {
    if (!ApiToken.deleteById(id)) {
      throw ProblemException.notFound("No token " + id);
    }
  }

  /**
   * Who the token speaks for, if it is one Detour issued and has not revoked. When it was last used
   * is written on the side, at most once a minute: a database that cannot write (a full disk) still
   * lets the token in.
   */
  public Optional<Holder> check(String secret) {
    if (secret == null || !secret.startsWith(PREFIX) || secret.length() > 100) {
      return Optional.empty();
    }
    ApiToken t =
        QuarkusTransaction.requiringNew()
            .call(() -> ApiToken.<ApiToken>find("tokenHash", Secrets.sha256(secret)).firstResult());
    if (t == null) {
      return Optional.empty();
    }
    Instant now = Instant.now();
    if (t.lastUsedAt == null || t.lastUsedAt.plus(TOUCH_EVERY).isBefore(now)) {
      touches.touch(
          t.id,
          now,
          () -> ApiToken.update("lastUsedAt = ?1 where id = ?2", now, t.id),
          "token " + t.id);
    }
    return Optional.of(new Holder("token:" + t.name, Role.parse(t.role)));
  }
}
