package dev.detour.auth;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import dev.detour.system.Secrets;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The accounts that log in. At start the {@code admin} account gets {@code DETOUR_ADMIN_PASSWORD},
 * or, when that is unset and no admin exists yet, a generated password printed once. Passwords are
 * checked with PBKDF2; a password that checked out is remembered (as a SHA-256, for five minutes)
 * so that HTTP Basic on every API call does not cost a slow hash each.
 */
@ApplicationScoped
public class Accounts {

  public static final String ADMIN = "admin";
  static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._@-]{0,62}");
  private static final Logger LOG = Logger.getLogger(Accounts.class);
  private static final long REMEMBER_NANOS = 5L * 60 * 1_000_000_000;

  /** A password that checked out: for whom, against which stored hash, until when. */
  private record Checked(String passwordSha, String storedHash, long until) {}

  private final AuthConfig config;
  private final Sessions sessions;
  private final Map<String, Checked> checked = new ConcurrentHashMap<>();
  private final java.util.concurrent.CompletableFuture<Void> ready =
      new java.util.concurrent.CompletableFuture<>();

  public Accounts(AuthConfig config, Sessions sessions) {
    this.config = config;
    this.sessions = sessions;
  }

  /** The API's view of an account: never its hash. */
  public record View(String username, String role, Instant createdAt, Instant updatedAt) {
    static View of(Account a) {
      return new View(a.username, a.role, a.createdAt, a.updatedAt);
    }
  }

  /** What {@code POST /api/users} takes. */
  public record Input(String username, String password, String role) {}

  /**
   * The admin account as configured, set up off the start: hashing or checking its password is a
   * PBKDF2 (half a second to a second of a cold JVM's CPU) that the service need not wait for to
   * listen. Logins wait for it; a generated password is printed once the account holding its hash
   * is stored.
   */
  void bootstrap(@Observes @Priority(10) StartupEvent start) {
    Thread t = new Thread(this::setUp, "detour-accounts");
    t.setDaemon(true);
    t.start();
  }

  private void setUp() {
    for (int attempt = 1; ; attempt++) {
      try {
        bootstrap();
        ready.complete(null);
        return;
      } catch (RuntimeException e) {
        // Nodes of a cluster starting together race to create the account: the loser finds it
        // made and checks it, as on any later start.
        if (attempt < 3 && conflict(e)) {
          LOG.debugf("Admin account made by another node meanwhile; checking it");
          continue;
        }
        LOG.errorf(e, "The admin account could not be set up");
        ready.completeExceptionally(e);
        return;
      }
    }
  }

  private static boolean conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof org.hibernate.exception.ConstraintViolationException) {
        return true;
      }
    }
    return false;
  }

  /** Waits until the admin account is set up (at most a minute). */
  private void awaitBootstrap() {
    try {
      ready.get(1, java.util.concurrent.TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the admin account is set up", e);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the admin account could not be set up: " + e, e);
    }
  }

  private void bootstrap() {
    Optional<String> configured = config.adminPassword().filter(p -> !p.isBlank());
    String generated =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  Account admin = Account.findById(ADMIN);
                  if (configured.isPresent()) {
                    String password = configured.get();
                    if (admin == null) {
                      create(ADMIN, password, Role.ADMIN);
                    } else if (!Secrets.verifyPassword(password, admin.passwordHash)
                        || !Role.ADMIN.id().equals(admin.role)) {
                      admin.passwordHash = Secrets.hashPassword(password);
                      admin.role = Role.ADMIN.id();
                      admin.updatedAt = Instant.now();
                    }
                    return null;
                  }
                  if (Account.count("role", Role.ADMIN.id()) > 0) {
                    return null;
                  }
                  String password = Secrets.password();
                  if (admin == null) {
                    create(ADMIN, password, Role.ADMIN);
                  } else {
                    admin.passwordHash = Secrets.hashPassword(password);
                    admin.role = Role.ADMIN.id();
                    admin.updatedAt = Instant.now();
                  }
                  return password;
                });
    if (generated != null) {
      LOG.warnf(
          "%n%n  Detour generated a password for the account 'admin': %s%n"
              + "  It is shown this once and stored only as a hash. Log in at /login and change it"
              + " under Settings → Access,%n  or set DETOUR_ADMIN_PASSWORD to choose your own.%n",
          generated);
    }
  }

  /** The account if the password is right, else empty. Slow (PBKDF2) unless recently checked. */
  @Transactional
  public Optional<Account> authenticate(String username, String password) {
    if (username == null || password == null || password.isEmpty()) {
      return Optional.empty();
    }
    awaitBootstrap();
    Account account = Account.findById(username.trim().toLowerCase(java.util.Locale.ROOT));
    if (account == null) {
      // The same work as a real check, so that timing does not tell which names exist.
      Secrets.verifyPassword(password, Dummy.HASH);
      return Optional.empty();
    }
    String sha = Secrets.sha256(account.username + "\0" + password);
    Checked c = checked.get(account.username);
    if (c != null
        && c.storedHash.equals(account.passwordHash)
        && System.nanoTime() - c.until < 0
        && Secrets.same(c.passwordSha, sha)) {
      return Optional.of(account);
    }
    if (!Secrets.verifyPassword(password, account.passwordHash)) {
      return Optional.empty();
    }
    checked.put(
        account.username,
        new Checked(sha, account.passwordHash, System.nanoTime() + REMEMBER_NANOS));
    return Optional.of(account);
  }

  /** A hash no password matches, made on the first login of an unknown name, not at start. */
  private static final class Dummy {
    static final String HASH = Secrets.hashPassword(Secrets.random(16));
  }

  @Transactional
  public List<View> list() {
    return Account.<Account>list("order by username").stream().map(View::of).toList();
  }

  @Transactional
  public Account find(String username) {
    return username == null ? null : Account.findById(username);
  }

  @Transactional
  public View add(Input input) {
    List<FieldError> errors = new ArrayList<>();
    String name = input == null || input.username() == null ? "" : input.username().trim();
    if (!NAME.matcher(name).matches()) {
      errors.add(
          FieldError.field(
              "username",
              "1–63 characters of a-z 0-9 . _ @ - (lower case), starting with a letter"
                  + " or digit"));
    }
    checkPassword(input == null ? null : input.password(), "password", errors);
    Role role = Role.parse(input == null ? null : input.role());
    if (role == null) {
      errors.add(FieldError.field("role", "admin or viewer"));
    }
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Invalid account", errors);
    }
    if (Account.findById(name) != null) {
      throw ProblemException.conflict("username", "An account named " + name + " exists");
    }
    return View.of(create(name, input.password(), role));
  }

  /** Sets a new password; {@code current} must match unless an admin resets someone else's. */
  @Transactional
  public void changePassword(String username, String current, String next, boolean reset) {
    Account a = Account.findById(username);
    if (a == null) {
      throw ProblemException.notFound("No account named " + username);
    }
    List<FieldError> errors = new ArrayList<>();
    if (!reset && !Secrets.verifyPassword(current == null ? "" : current, a.passwordHash)) {
      errors.add(FieldError.field("current", "That is not the current password"));
    }
    checkPassword(next, "password", errors);
    if (!errors.isEmpty()) {
      throw ProblemException.invalid("Password not changed", errors);
    }
    a.passwordHash = Secrets.hashPassword(next);
    a.updatedAt = Instant.now();
    checked.remove(username);
    UiSession.delete("username", username);
    sessions.forget(username);
  }

  @Transactional
  public void setRole(String username, String roleText) {
    Account a = Account.findById(username);
    if (a == null) {
      throw ProblemException.notFound("No account named " + username);
    }
    Role role = Role.parse(roleText);
    if (role == null) {
      throw ProblemException.invalidField("Invalid role", "role", "admin or viewer");
    }
    if (role != Role.ADMIN && Role.ADMIN.id().equals(a.role) && lastAdmin()) {
      throw ProblemException.conflict("role", "The last admin cannot become a viewer");
    }
    a.role = role.id();
    a.updatedAt = Instant.now();
    checked.remove(username);
    sessions.forget(username);
  }

  @Transactional
  public void delete(String username) {
    Account a = Account.findById(username);
    if (a == null) {
      throw ProblemException.notFound("No account named " + username);
    }
    if (Role.ADMIN.id().equals(a.role) && lastAdmin()) {
      throw ProblemException.conflict("username", "The last admin cannot be deleted");
    }
    UiSession.delete("username", username);
    a.delete();
    checked.remove(username);
    sessions.forget(username);
  }

  private static boolean lastAdmin() {
    return Account.count("role", Role.ADMIN.id()) <= 1;
  }

  private static Account create(String name, String password, Role role) {
    Account a = new Account();
    a.username = name;
    a.passwordHash = Secrets.hashPassword(password);
    a.role = role.id();
    a.createdAt = Instant.now();
    a.updatedAt = a.createdAt;
    a.persist();
    return a;
  }

  private static void checkPassword(String password, String field, List<FieldError> errors) {
    if (password == null || password.length() < 10) {
      errors.add(FieldError.field(field, "At least 10 characters"));
    } else if (password.length() > 200) {
      errors.add(FieldError.field(field, "At most 200 characters"));
    }
  }
}
