package dev.detour.auth;

import java.util.Locale;

/** What an account or a token may do: an admin changes things, a viewer only looks. */
public enum Role {
  ADMIN,
  VIEWER;

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role named {@code admin} or {@code viewer} (any case), or null. */
  public static Role parse(String text) {
    if (text == null) {
      return null;
    }
    for (Role r : values()) {
      if (r.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    return null;
  }
}
