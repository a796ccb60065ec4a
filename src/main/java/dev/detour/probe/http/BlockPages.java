package dev.detour.probe.http;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Known ISP block pages: the hosts they redirect to and phrases of their bodies. An answer is a
 * block page when it redirects off the requested host to one of the hosts, or its body or title
 * holds one of the phrases.
 */
public final class BlockPages {

  private final List<String> hosts;
  private final List<Pattern> fingerprints;

  public BlockPages(List<String> hosts, List<String> fingerprints) {
    this.hosts = hosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    this.fingerprints =
        fingerprints.stream()
            .map(f -> Pattern.compile(f, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE))
            .toList();
  }

  /** The block page this answer is, or null. */
  public String match(String requestedHost, String location, String title, String body) {
    if (location != null) {
      try {
        String host = URI.create(location.strip()).getHost();
        if (host != null) {
          host = host.toLowerCase(Locale.ROOT);
          if (!host.equals(requestedHost) && matchesHost(host)) {
            return host;
          }
        }
      } catch (IllegalArgumentException unreadable) {
        // A Location that is not a URI is no redirect to a block page.
      }
    }
    for (Pattern fingerprint : fingerprints) {
      if ((title != null && fingerprint.matcher(title).find())
          || (body != null && fingerprint.matcher(body).find())) {
        return "body:" + fingerprint.pattern();
      }
    }
    return null;
  }

  private boolean matchesHost(String host) {
    for (String known : hosts) {
      if (host.equals(known) || host.endsWith("." + known)) {
        return true;
      }
    }
    return false;
  }
}
