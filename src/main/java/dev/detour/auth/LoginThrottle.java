package dev.detour.auth;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failed logins per client address in the last minute: past {@code
 * detour.auth.login-failures-per-minute}, that address may not try again until the minute has
 * passed — password guessing gets a handful of tries a minute, form and HTTP Basic alike.
 */
@ApplicationScoped
public class LoginThrottle {

  private static final long WINDOW_NANOS = 60_000_000_000L;
  private static final int MAX_ADDRESSES = 10_000;

  private final int limit;
  private final Map<String, Deque<Long>> failures = new ConcurrentHashMap<>();

  @jakarta.inject.Inject
  public LoginThrottle(AuthConfig config) {
    this(config.auth().loginFailuresPerMinute());
  }

  LoginThrottle(int limit) {
    this.limit = limit;
  }

  /** Whether the address may try now. */
  public boolean allowed(String address) {
    Deque<Long> d = failures.get(address);
    if (d == null) {
      return true;
    }
    synchronized (d) {
      prune(d, System.nanoTime());
      return d.size() < limit;
    }
  }

  public void failed(String address) {
    if (failures.size() >= MAX_ADDRESSES) {
      long now = System.nanoTime();
      failures
          .values()
          .removeIf(
              d -> {
                synchronized (d) {
                  prune(d, now);
                  return d.isEmpty();
                }
              });
    }
    Deque<Long> d = failures.computeIfAbsent(address, a -> new ArrayDeque<>());
    synchronized (d) {
      d.addLast(System.nanoTime());
      while (d.size() > limit) {
        d.removeFirst();
      }
    }
  }

  public void succeeded(String address) {
    failures.remove(address);
  }

  private static void prune(Deque<Long> d, long now) {
    while (!d.isEmpty() && now - d.peekFirst() > WINDOW_NANOS) {
      d.removeFirst();
    }
  }
}
