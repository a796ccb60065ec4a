package dev.detour.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A browser's login: the SHA-256 of the cookie's value, whose it is, and its CSRF token. */
@Entity
@Table(name = "ui_session")
public class UiSession extends PanacheEntityBase {

  @Id
  @Column(name = "id_hash", length = 64)
  public String idHash;

  @Column(nullable = false, length = 63)
  public String username;

  @Column(nullable = false, length = 64)
  public String csrf;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "seen_at", nullable = false)
  public Instant seenAt;
}
