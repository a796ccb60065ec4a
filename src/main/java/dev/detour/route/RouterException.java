package dev.detour.route;

import java.io.IOException;

/** A router refused or failed a request; {@link #kind()} says whether trying again can help. */
public class RouterException extends IOException {

  /** What went wrong, as far as a sync needs to know. */
  public enum Kind {
    /** Cannot connect, connection reset, TLS failure: try again later. */
    UNREACHABLE,
    /** No answer in time: the change may or may not have been made (the next list tells). */
    TIMEOUT,
    /** Wrong user name or password, or not allowed: no point retrying until the config changes. */
    AUTH,
    /** The certificate is not the configured one (CA or pin): never sent credentials. */
    CERTIFICATE,
    /** The router is busy (too many sessions, 5xx): try again later. */
    BUSY,
    /** The router refused this one change (bad value, already exists): the others go on. */
    REJECTED,
    /** The entry is not there (deleted already): a removal counts as done. */
    NOT_FOUND,
    /**
     * The answer made no sense (malformed JSON, bad sentence, too large): treated as unreachable.
     */
    PROTOCOL
  }

  private final Kind kind;

  public RouterException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public RouterException(Kind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }

  /**
   * Whether the rest of a sync can go on after this (one change refused, the router still fine).
   */
  public boolean onlyThisChange() {
    return kind == Kind.REJECTED || kind == Kind.NOT_FOUND;
  }
}
