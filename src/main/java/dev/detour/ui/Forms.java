package dev.detour.ui;

import dev.detour.api.FieldError;
import dev.detour.api.ProblemException;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What the pages' forms share: errors by field, blanks, lists typed into one box, answers. */
public final class Forms {

  private Forms() {}

  /**
   * A refused change's messages by form field: {@code ports[2]} is shown at {@code ports}, and an
   * error without a field at {@code form}. Field names get {@code prefix} in front.
   */
  public static Map<String, String> errors(ProblemException e, String prefix) {
    Map<String, String> m = new LinkedHashMap<>();
    for (FieldError f : e.toProblem("").errors()) {
      String field = f.field() == null ? "form" : f.field().replaceAll("\\[.*$", "");
      m.merge(prefix + field, f.message(), (a, b) -> a.equals(b) ? a : a + "; " + b);
    }
    if (m.isEmpty()) {
      m.put(prefix + "form", e.getMessage());
    }
    return m;
  }

  public static String nz(String s) {
    return s == null ? "" : s;
  }

  /**
   * {@code "a, b c"} → {@code [a, b, c]}: lists are typed into one box, split at commas or blanks.
   */
  public static List<String> words(String s) {
    if (s == null || s.isBlank()) {
      return List.of();
    }
    return Arrays.stream(s.trim().split("[,\\s]+")).filter(w -> !w.isEmpty()).toList();
  }

  /** The probes ticked in a form, or null when none is (then the group's or the defaults apply). */
  public static java.util.Set<dev.detour.probe.ProbeKind> probes(List<String> ticked) {
    if (ticked == null || ticked.isEmpty()) {
      return null;
    }
    java.util.Set<dev.detour.probe.ProbeKind> kinds = new java.util.TreeSet<>();
    ticked.forEach(p -> kinds.add(dev.detour.probe.ProbeKind.of(p)));
    return kinds;
  }

  /** A page with its status (a refused form answers 400 with its errors next to the fields). */
  public static Response page(TemplateInstance page, int status) {
    return Response.status(status).entity(page).type(MediaType.TEXT_HTML).build();
  }

  /** After a change, the page to show (303, so a reload does not send the form again). */
  public static Response seeOther(String path) {
    return Response.seeOther(URI.create(path)).build();
  }
}
