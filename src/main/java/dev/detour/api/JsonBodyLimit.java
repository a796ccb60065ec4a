package dev.detour.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A JSON body is read whole into memory, so one is refused before it is read when it is larger than
 * any the API takes ({@value #MAX_BYTES} bytes: a watch, a group, a setting is a few hundred), or
 * when it comes without a length (chunked) and so could be any size. Lists go to the import, which
 * streams them and has its own limit ({@code detour.import.max-bytes}).
 */
public class JsonBodyLimit {

  static final long MAX_BYTES = 4L * 1024 * 1024;

  @ServerRequestFilter(preMatching = true)
  public Response limit(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    if (type == null
        || !(type.getSubtype().equals("json") || type.getSubtype().endsWith("+json"))
        || request.getUriInfo().getPath().startsWith("/api/watches/import")
        || request.getUriInfo().getPath().startsWith("/agent/")) {
      return null;
    }
    long length = request.getLength();
    String path = request.getUriInfo().getPath();
    if (length > MAX_BYTES) {
      return Problems.response(
          new Problem(
              Problems.type("too-large"),
              "Request too large",
              413,
              "a JSON body is at most "
                  + MAX_BYTES
                  + " bytes; this one has "
                  + length
                  + " — lists of watches go to POST /api/watches/import",
              path,
              null,
              null));
    }
    if (length < 0 && request.getHeaderString("Transfer-Encoding") != null) {
      return Problems.response(
          new Problem(
              Problems.type("length-required"),
              "Length required",
              411,
              "send a JSON body with a Content-Length (at most " + MAX_BYTES + " bytes)",
              path,
              null,
              null));
    }
    return null;
  }
}
