package dev.detour.control;

import dev.detour.api.Problem;
import dev.detour.api.Problems;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * The control agent's door, checked before a request is matched or its body read: without the token
 * nothing of the request is parsed, and a body larger than a probe request ever is gets 413 unread
 * (one of unknown length, chunked, 411) — an agent reachable from the internet must not be a way to
 * fill its memory.
 */
public class AgentGate {

  /** A probe request is a few hundred bytes; this leaves room and nothing more. */
  static final long MAX_BODY = 64 * 1024;

  private final AgentConfig config;

  public AgentGate(AgentConfig config) {
    this.config = config;
  }

  @ServerRequestFilter(preMatching = true)
  public Response gate(ContainerRequestContext request) {
    String path = request.getUriInfo().getPath();
    if (!path.startsWith("/agent/") || !config.enabled()) {
      return null;
    }
    if (!authorized(request.getHeaderString(HttpHeaders.AUTHORIZATION))) {
      return Response.fromResponse(
              problem(
                  "unauthorized",
                  "Unauthorized",
                  401,
                  "send the agent's token: Authorization: Bearer <detour.agent.token>"))
          .header("WWW-Authenticate", "Bearer realm=\"detour-agent\"")
          .build();
    }
    if (request.getLength() > MAX_BODY) {
      return problem(
          "too-large",
          "Request too large",
          413,
          "an agent request is at most " + MAX_BODY + " bytes");
    }
    if (request.getLength() < 0 && request.getHeaderString("Transfer-Encoding") != null) {
      // Chunked, so of any size: the length is what lets the limit above be checked unread.
      return problem(
          "length-required",
          "Length required",
          411,
          "send an agent request with a Content-Length (at most " + MAX_BODY + " bytes)");
    }
    return null;
  }

  private boolean authorized(String authorization) {
    String token = config.token().orElse("");
    if (authorization == null || !authorization.startsWith("Bearer ") || token.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(
        authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  static Response problem(String kind, String title, int status, String detail) {
    return Problems.response(
        new Problem(Problems.type(kind), title, status, detail, "/agent/v1", null, null));
  }
}
