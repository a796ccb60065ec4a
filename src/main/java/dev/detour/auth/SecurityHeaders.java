package dev.detour.auth;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Headers on every answer that keep a browser from being turned against Detour: no framing, no MIME
 * sniffing, no referrer leaving the site, and a content security policy that allows only Detour's
 * own scripts and styles (the pages have no inline script). Swagger UI, which needs its inline
 * script, gets the rest but not the policy.
 */
@ApplicationScoped
public class SecurityHeaders {

  static final String POLICY =
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:;"
          + " connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none';"
          + " object-src 'none'";

  void install(@Observes Router router) {
    router
        .route()
        .order(Integer.MIN_VALUE)
        .handler(
            ctx -> {
              String path = ctx.normalizedPath();
              ctx.addHeadersEndHandler(
                  v -> {
                    var h = ctx.response().headers();
                    h.set("X-Content-Type-Options", "nosniff");
                    h.set("X-Frame-Options", "DENY");
                    h.set("Referrer-Policy", "same-origin");
                    h.set("Cross-Origin-Opener-Policy", "same-origin");
                    h.set("Permissions-Policy", "camera=(), microphone=(), geolocation=()");
                    if (!path.startsWith("/q/swagger-ui") && !path.startsWith("/q/dev")) {
                      h.set("Content-Security-Policy", POLICY);
                    }
                    if (ctx.request().isSSL()) {
                      h.set("Strict-Transport-Security", "max-age=31536000");
                    }
                    String ct = h.get("Content-Type");
                    if (ct != null && ct.startsWith("text/html") && !h.contains("Cache-Control")) {
                      h.set("Cache-Control", "no-store");
                    }
                  });
              ctx.next();
            });
  }
}
