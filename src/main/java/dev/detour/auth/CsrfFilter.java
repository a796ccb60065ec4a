package dev.detour.auth;

import dev.detour.api.Problem;
import dev.detour.api.Problems;
import dev.detour.system.Secrets;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Cross-site request forgery: a change made by a browser session must carry the session's token in
 * the {@code X-CSRF-Token} header (htmx sends it from the page; a form field alone is refused, see
 * docs/security.md) and, when the browser names an {@code Origin}, come from this site. Passwords
 * and API tokens in an {@code Authorization} header need neither: a foreign page cannot make a
 * browser send them.
 */
public class CsrfFilter {

  /** The identity attribute under which a browser session keeps its CSRF token. */
  public static final String ATTRIBUTE = "detour.csrf";

  public static final String HEADER = "X-CSRF-Token";
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

  @Inject SecurityIdentity identity;

  @ServerRequestFilter
  public Response check(ResteasyReactiveContainerRequestContext ctx) {
    if (SAFE.contains(ctx.getMethod())
        || !"session".equals(identity.getAttribute(IdentityProviders.HOW))) {
      return null;
    }
    String origin = ctx.getHeaderString("Origin");
    if (origin != null && !sameSite(origin, ctx.getHeaderString("Host"))) {
      return refuse("The request came from another site (" + origin + ").");
    }
    String expected = identity.getAttribute(ATTRIBUTE);
    if (!Secrets.same(expected, ctx.getHeaderString(HEADER))) {
      return refuse("The page is out of date or came from another site: reload it and try again.");
    }
    return null;
  }

  static boolean sameSite(String origin, String host) {
    try {
      URI o = URI.create(origin);
      if (o.getHost() == null || host == null) {
        return false;
      }
      String authority = o.getPort() < 0 ? o.getHost() : o.getHost() + ":" + o.getPort();
      return authority.equalsIgnoreCase(host)
          || (o.getPort() < 0 && host.equalsIgnoreCase(o.getHost() + ":" + defaultPort(o)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static int defaultPort(URI o) {
    return "https".equalsIgnoreCase(o.getScheme()) ? 443 : 80;
  }

  private static Response refuse(String detail) {
    return Problems.response(
        new Problem(Problems.type("csrf"), "Request refused", 403, detail, null, null, null));
  }
}
