package dev.detour.ui;

import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * The pages whose only use is to change something (the add, edit and import forms) are refused to a
 * viewer with a page that says why and how to get the right, rather than a form whose submit
 * answers a bare 403.
 */
final class AdminsOnly {

  @CheckedTemplate
  static class Templates {
    static native TemplateInstance forbidden(String what, String back);
  }

  private AdminsOnly() {}

  /**
   * Refuses a viewer: {@code what} ("Adding a watch") takes an admin; {@code back} is a way out.
   */
  static void require(UiContext ui, String what, String back) {
    if (!ui.isAdmin()) {
      throw new WebApplicationException(
          Response.status(Response.Status.FORBIDDEN)
              .type(MediaType.TEXT_HTML_TYPE)
              .entity(Templates.forbidden(what, back).data("nav", "watches"))
              .build());
    }
  }
}
