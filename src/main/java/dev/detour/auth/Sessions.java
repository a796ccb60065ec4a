package dev.detour.auth;

import dev.detour.system.Periodic;
import dev.detour.system.Secrets;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions after a form login. The cookie carries 256 random bits; the database keeps their
 * SHA-256, so a copy of the database opens no session. A session ends on logout, after {@code
 * detour.auth.session-idle} without a request or {@code session-max-age} after login, and when its
 * account's password changes or the account goes. Lookups are remembered for a few seconds so that
 * a page's many requests cost one query.
 */
@ApplicationScoped
public class Sessions {

  public static final String COOKIE = "detour_session";
  private static final Duration REMEMBER = Duration.ofSeconds(5);
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  /** A live session: whose, with what role, and the token its forms carry. */
  public record Live(String username, Role role, String csrf) {}

  private record Remembered(Live live, Instant until) {}

  /** A new session: the cookie value and the session it opens. */
  public record Opened(String cookie, Live live) {}

  private final AuthConfig config;
  private final Map<String, Remembered> recent = new ConcurrentHashMap<>();
  private final Touches touches = new Touches(TOUCH_EVERY);

  public Sessions(AuthConfig config) {
    this.config = config;
  }

  @Transactional
  public Opened open(Account account) {
    String cookie = Secrets.random(32);
    UiSession s = new UiSession();
    s.idHash = Secrets.sha256(cookie);
    s.username = account.username;
    s.csrf = Secrets.random(32);
    s.createdAt = Instant.now();
    s.seenAt = s.createdAt;
    s.persist();
    return new Opened(cookie, new Live(account.username, Role.parse(account.role), s.csrf));
  }

  /**
   * The live session of a cookie. Only reads: that the session was seen is written on the side, at
   * most once a minute, so a database that cannot write (a full disk) still lets the user in; an
   * expired session is simply not found (the expiry job deletes it).
   */
  public Optional<Live> find(String cookie) {
    if (cookie == null || cookie.isEmpty() || cookie.length() > 100) {
      return Optional.empty();
    }
    String hash = Secrets.sha256(cookie);
    Instant now = Instant.now();
    Remembered r = recent.get(hash);
    if (r != null && r.until.isAfter(now)) {
      return Optional.of(r.live);
    }
    recent.remove(hash);
    record Found(UiSession session, Account account) {}
    Found found =
        QuarkusTransaction.requiringNew()
            .call(
                () -> {
                  UiSession s = UiSession.findById(hash);
                  return s == null ? null : new Found(s, Account.findById(s.username));
                });
    if (found == null || found.account() == null) {
      return Optional.empty();
    }
    UiSession s = found.session();
    Account a = found.account();
    if (s.seenAt.plus(config.auth().sessionIdle()).isBefore(now)
        || s.createdAt.plus(config.auth().sessionMaxAge()).isBefore(now)) {
      return Optional.empty();
    }
    if (s.seenAt.plus(TOUCH_EVERY).isBefore(now)) {
      touches.touch(
          hash,
          now,
          () -> UiSession.update("seenAt = ?1 where idHash = ?2", now, hash),
          "a session");
    }
    Live live = new Live(a.username, Role.parse(a.role), s.csrf);
    if (recent.size() > 10_000) {
      recent.clear();
    }
    recent.put(hash, new Remembered(live, now.plus(REMEMBER)));
    return Optional.of(live);
  }

  @Transactional
  public void close(String cookie) {
    if (cookie == null) {
      return;
    }
    String hash = Secrets.sha256(cookie);
    recent.remove(hash);
    UiSession.deleteById(hash);
  }

  /** Forgets what it remembered of an account's sessions (after a password or role change). */
  public void forget(String username) {
    recent.values().removeIf(r -> r.live.username().equals(username));
  }

  // On every node (the same delete twice is harmless): a clustered job is registered by every node
  // at start, and nodes starting together failed on each other's registration.
  void onStart(@Observes StartupEvent event, Periodic periodic) {
    periodic.every("session-expiry", Duration.ofMinutes(1), Duration.ofMinutes(10), this::expire);
  }

  void expire() {
    Instant now = Instant.now();
    QuarkusTransaction.requiringNew()
        .run(
            () ->
                UiSession.delete(
                    "seenAt < ?1 or createdAt < ?2",
                    now.minus(config.auth().sessionIdle()),
                    now.minus(config.auth().sessionMaxAge())));
  }
}
