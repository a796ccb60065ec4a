package dev.detour.auth;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** Someone who logs in: a name, a password hash and a role. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

  @Id
  @Column(length = 63)
  public String username;

  @Column(name = "password_hash", nullable = false, length = 200)
  public String passwordHash;

  @Column(nullable = false, length = 10)
  public String role;

  @Column(name = "created_at", nullable = false)
  public Instant createdAt;

  @Column(name = "updated_at", nullable = false)
  public Instant updatedAt;
}
