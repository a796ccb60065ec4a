package dev.detour.ui;

import dev.detour.auth.CsrfFilter;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * What every page needs to know about who is looking: {@code {inject:ui.username}}, {@code
 * {inject:ui.admin}} (may change things) and {@code {inject:ui.csrf}}, the session's token that
 * every form and htmx request carries back.
 */
@RequestScoped
@Named("ui")
public class UiContext {

  private final SecurityIdentity identity;

  public UiContext(SecurityIdentity identity) {
    this.identity = identity;
  }

  public boolean isSignedIn() {
    return !identity.isAnonymous();
  }

  public String getUsername() {
    return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
  }

  public boolean isAdmin() {
    return identity.hasRole("admin");
  }

  public String getRole() {
    return isAdmin() ? "admin" : identity.hasRole("viewer") ? "viewer" : "";
  }

  public String getCsrf() {
    Object token = identity.getAttribute(CsrfFilter.ATTRIBUTE);
    return token == null ? "" : token.toString();
  }
}
